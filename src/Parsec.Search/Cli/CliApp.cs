using Parsec.Search.RunFiles;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli;

/// <summary>
/// The `parsec` command line. Without arguments it runs <see cref="DemoCommand"/>. Errors the user can fix
/// (a bad flag or value, a missing or malformed file) print one line naming the flag or file and exit with
/// <see cref="UsageError"/>; other failures print their message and exit with <see cref="Failure"/>. No stack traces.
/// The codes are those of <see cref="ExitCodes"/>.
/// </summary>
internal static class CliApp
{
    public const int Success = ExitCodes.Done;
    public const int Failure = ExitCodes.Failure;
    public const int UsageError = ExitCodes.BadInput;
    /// <summary>Stopped at a checkpoint on request (--stop-after, Ctrl+C, SIGTERM).</summary>
    public const int Stopped = ExitCodes.Stopped;
    /// <summary>Stopped because a NaN or infinity appeared.</summary>
    public const int NonFinite = ExitCodes.NonFinite;

    /// <summary>Runs the command line; <paramref name="console"/> replaces the terminal for what Spectre writes (help, errors), as tests do.</summary>
    public static int Run(string[] args, IAnsiConsole? console = null) => Run(args, console, dryRun: false);

    /// <summary>
    /// Parses and checks a command line exactly as <see cref="Run(string[], IAnsiConsole?)"/> does (the flags' types and
    /// ranges, the command's own validation), then stops before the command starts: <see cref="Success"/> when it would
    /// run, <see cref="UsageError"/> with the message otherwise. For tests that walk every flag of every command.
    /// </summary>
    public static int Check(string[] args, IAnsiConsole? console = null) => Run(args, console, dryRun: true);

    private static int Run(string[] args, IAnsiConsole? console, bool dryRun)
    {
        // Under an MPI launcher rank 0 speaks for the job; the other ranks report only their own failures, on standard error.
        if (Distributed.MpiWorld.Launched && Distributed.MpiWorld.LaunchedRank > 0 && console is null)
        {
            System.Console.SetOut(TextWriter.Null);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        }
        Replay.ConfigArguments expanded;
        try { expanded = Replay.ConfigArguments.Expand(args, CommandRegistry.SettingsOf); }
        catch (Exception e) { return ErrorReport.Print(e, args); }
        var app = new CommandApp();
        app.SetDefaultCommand<DemoCommand>();
        app.Configure(config =>
        {
            config.SetApplicationName("parsec");
            config.SetApplicationVersion(ParsecVersionInfo.Current);
            if (console is not null) config.ConfigureConsole(console);
            // An unknown flag is an error, not an extra argument to ignore.
            config.UseStrictParsing();
            config.SetInterceptor(new Console.FlagRangeInterceptor(dryRun));
            CommandRegistry.Register(config);
            config.SetExceptionHandler((exception, _) => ErrorReport.Print(exception, expanded.Arguments, expanded.Attribute));
        });
        return app.Run(expanded.Arguments);
    }
}

/// <summary>Turns an exception that reached the top into one clear message and an exit code.</summary>
internal static class ErrorReport
{
    /// <param name="attribute">Adds to a message about bad input where a value it names came from (a --config file).</param>
    public static int Print(Exception exception, IReadOnlyList<string> args, Func<string, string>? attribute = null)
    {
        var e = Unwrap(exception);
        if (e is CommandAppException { Pretty: { } pretty })
        {
            AnsiConsole.Console.Write(pretty);
            return CliApp.UsageError;
        }
        var (code, label, message) = Classify(e, args);
        if (code == CliApp.UsageError && attribute is not null) message = attribute(message);
        if (label is not null) Line(label, message);
        // A bug, not the user's input: the whole trace goes to standard error, which run.log also records.
        if (label == InternalLabel) System.Console.Error.WriteLine(e.ToString());
        return code;
    }

    private const string InternalLabel = "internal error";

    /// <summary>The exit code an exception ends the command with.</summary>
    public static int ExitCodeOf(Exception exception) => Classify(Unwrap(exception), []).Code;

    private static (int Code, string? Label, string Message) Classify(Exception e, IReadOnlyList<string> args) => e switch
    {
        CommandAppException app => (CliApp.UsageError, "error", Console.ConversionMessage.NameTheFlag(app.Message, args, CommandRegistry.SettingsOf)),
        Console.DryRunComplete => (CliApp.Success, null, ""),
        OperationCanceledException => (CliApp.Stopped, "stopped", "interrupted"),
        RunFolderInUseException or UnauthorizedAccessException => (CliApp.Failure, "error", e.Message),
        NonFiniteStateException or Training.TrainingDivergedException => (CliApp.NonFinite, "stopped", e.Message),
        // Bad input is told by its type alone: checks of flags, files, genotypes, datasets and run folders throw it.
        BadInputException => (CliApp.UsageError, "error", e.Message),
        _ when FromBelowTheInputChecks(e) => Internal(e),
        // An argument or a state refused anywhere else is a mistake in the program's own logic, as are these.
        ArgumentException or FormatException or InvalidDataException or KeyNotFoundException or NotSupportedException
            or NullReferenceException or InvalidCastException or IndexOutOfRangeException or NotImplementedException or ArithmeticException => Internal(e),
        // The machine's failures (a disk, the network, CUDA) and refused states (a folder that already holds a study): exit 1 with their own message.
        _ => (CliApp.Failure, "error", $"{e.Message} ({e.GetType().Name})"),
    };

    /// <summary>
    /// Thrown where no user input is read: the engine (Parsec.Autodiff, Parsec.Cuda), which receives only what the
    /// commands have already checked, and the network code (Model) and ONNX emission (Export's emitters), which build
    /// from genotypes and options that were checked when read. An argument refused there is a bug, whatever its type.
    /// </summary>
    private static bool FromBelowTheInputChecks(Exception e)
    {
        var thrower = e.TargetSite?.DeclaringType;
        if (thrower is null) return false;
        string assembly = thrower.Assembly.GetName().Name ?? "";
        string ns = thrower.Namespace ?? "";
        return assembly is "Parsec.Autodiff" or "Parsec.Cuda"
            || ns.StartsWith("Parsec.Search.Model", StringComparison.Ordinal)
            || (ns == "Parsec.Search.Export" && thrower.Name.StartsWith("Onnx", StringComparison.Ordinal) && thrower.Name.EndsWith("Emitter", StringComparison.Ordinal));
    }

    /// <summary>Exit 1: the message, its type and the method that threw, and where the whole trace is.</summary>
    private static (int Code, string? Label, string Message) Internal(Exception e) =>
        (CliApp.Failure, InternalLabel, $"{e.Message} ({e.GetType().Name} in {e.TargetSite?.DeclaringType?.FullName}.{e.TargetSite?.Name}); " +
            "this is a bug in parsec, not a problem with the input: the full trace follows on standard error and is in the run folder's run.log");

    private static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is { } inner ? Unwrap(inner) : e;

    private static void Line(string label, string message) =>
        AnsiConsole.MarkupLineInterpolated($"[red]{label}:[/] {message}");
}
