using Parsec.Autodiff;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>Creates the backend a command asked for and says in one line which it is.</summary>
internal static class BackendSelection
{
    public static IBackend Create(BackendChoice choice)
    {
        var backend = Backends.Create(choice, out string why);
        // The automatic fallback explains every library it tried; that belongs to `parsec info`, not to every command.
        string reason = choice == BackendChoice.Auto && backend.Kind == BackendKind.Cpu
            ? "CUDA is unavailable; `parsec info` says why"
            : why;
        AnsiConsole.MarkupLineInterpolated($"backend: [bold]{backend.Name}[/] ({reason})");
        return backend;
    }
}
