using Parsec.DeviceRunner;

// Parsec.DeviceRunner info | list | test [--where "<NUnit filter xml>"] | bench [--quick] | parsec <command line>
// Exit codes: 0 success, 1 failures, 2 usage, 3 no usable CUDA device.
string mode = args.Length > 0 ? args[0] : "help";
try
{
    return mode switch
    {
        "info" => InfoMode.Run(),
        "test" => TestMode.Run(args[1..]),
        "list" => TestMode.List(),
        "bench" => BenchMode.Run(args[1..]),
        // The same program as `dotnet run --project src/Parsec.Search -- ...`, e.g. `parsec bench --backend cuda`.
        "parsec" => Parsec.Search.Cli.CliApp.Run(args[1..]),
        _ => Usage(),
    };
}
catch (Exception e)
{
    Console.Error.WriteLine($"{mode} failed: {e}");
    return 1;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Parsec.DeviceRunner info | list | test [--where <NUnit filter xml>] | bench [--quick] | parsec <command line>");
    return 2;
}
