using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// The `parsec` command line. Without arguments it runs <see cref="DemoCommand"/>. Errors the user can fix
/// (a bad flag or value, a missing or malformed file) print one line naming the flag or file and exit with
/// <see cref="UsageError"/>; other failures print their message and exit with <see cref="Failure"/>. No stack traces.
/// </summary>
public static class CliApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    /// <summary>Stopped by Ctrl+C (the usual 128 + SIGINT).</summary>
    public const int Interrupted = 130;

    public static int Run(string[] args)
    {
        var app = new CommandApp();
        app.SetDefaultCommand<DemoCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("parsec");
            config.SetApplicationVersion(ParsecVersionInfo.Current);
            // An unknown flag is an error, not an extra argument to ignore.
            config.UseStrictParsing();
            CommandRegistry.Register(config);
            config.SetExceptionHandler((exception, _) => ErrorReport.Print(exception));
        });
        return app.Run(args);
    }
}

/// <summary>Turns an exception that reached the top into one clear message and an exit code.</summary>
internal static class ErrorReport
{
    public static int Print(Exception exception)
    {
        var e = Unwrap(exception);
        switch (e)
        {
            case CommandAppException app:
                if (app.Pretty is { } pretty) AnsiConsole.Console.Write(pretty);
                else Line("error", app.Message);
                return CliApp.UsageError;
            case OperationCanceledException:
                Line("stopped", "interrupted");
                return CliApp.Interrupted;
            case ArgumentException or FormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
                or KeyNotFoundException or NotSupportedException or Data.Files.DataFileException:
                Line("error", e.Message);
                return CliApp.UsageError;
            default:
                Line("error", $"{e.Message} ({e.GetType().Name})");
                return CliApp.Failure;
        }
    }

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner ? Unwrap(inner) : e;

    private static void Line(string label, string message) =>
        AnsiConsole.MarkupLineInterpolated($"[red]{label}:[/] {message}");
}
