using Parsec.Search.Cli;
using Spectre.Console;

namespace Parsec.Tests.Tooling;

/// <summary>Runs the command line in this process and returns its exit code and what it printed (unwrapped, without colour).</summary>
internal static class CapturedCli
{
    public static (int Code, string Output) Run(params string[] args) => Capture(() => CliApp.Run(args));

    /// <summary>A dry run (<see cref="CliApp.Check"/>): the command line parsed and checked, the command not started.</summary>
    public static (int Code, string Output) Check(params string[] args) => Capture(() => CliApp.Check(args));

    private static (int Code, string Output) Capture(Func<int> run)
    {
        var previous = AnsiConsole.Console;
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 10_000;
        AnsiConsole.Console = console;
        try { return (run(), writer.ToString()); }
        finally { AnsiConsole.Console = previous; }
    }
}
