using Parsec.Autodiff;
using Parsec.Search.Flags;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>Creates the backend a command asked for and says in one line which it is and in what precision it computes.</summary>
internal static class BackendSelection
{
    /// <param name="reason">Why this backend, when the caller knows better than the choice itself (a resumed run).</param>
    public static IBackend Create(BackendFlags flags, string? reason = null)
    {
        var backend = Backends.Create(flags.Backend, flags.Precision, out string why);
        // The automatic fallback explains every library it tried; that belongs to `parsec info`, not to every command.
        reason ??= flags.Backend == BackendChoice.Auto && backend.Kind == BackendKind.Cpu
            ? "CUDA is unavailable; `parsec info` says why"
            : why;
        AnsiConsole.MarkupLineInterpolated($"backend: [bold]{backend.Name}[/] ({reason}), precision {PrecisionText(backend, flags.Precision)}");
        return backend;
    }

    /// <summary>The precision in force, and why when it is not the one asked for.</summary>
    public static string PrecisionText(IBackend backend, Precision asked) =>
        backend.Precision == asked ? Name(asked)
        : backend.Kind == BackendKind.Cpu ? $"{Name(backend.Precision)} (the CPU has no {Name(asked)})"
        : $"{Name(backend.Precision)} (this GPU has no {Name(asked)} tensor cores)";

    public static string Name(Precision precision) => precision.ToString().ToLowerInvariant();
}
