using Parsec.Autodiff;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>Creates the backend a command asked for and says in one line which it is.</summary>
internal static class BackendSelection
{
    /// <param name="reason">Why this backend, when the caller knows better than the choice itself (a resumed run).</param>
    public static IBackend Create(BackendChoice choice, string? reason = null)
    {
        var backend = Backends.Create(choice, out string why);
        // The automatic fallback explains every library it tried; that belongs to `parsec info`, not to every command.
        reason ??= choice == BackendChoice.Auto && backend.Kind == BackendKind.Cpu
            ? "CUDA is unavailable; `parsec info` says why"
            : why;
        AnsiConsole.MarkupLineInterpolated($"backend: [bold]{backend.Name}[/] ({reason})");
        return backend;
    }
}
