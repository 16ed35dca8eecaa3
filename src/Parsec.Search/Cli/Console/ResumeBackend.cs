using Parsec.Autodiff;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// The backend of a resumed run: the one it was started on (saved with it), so that a CPU run resumed on a GPU
/// machine does not switch silently; --backend, when given, wins and the switch is said.
/// </summary>
internal static class ResumeBackend
{
    public static IBackend Create(string? savedName, BackendChoice given, bool givenExplicitly)
    {
        if (givenExplicitly || savedName is null)
        {
            var chosen = BackendSelection.Create(given);
            if (savedName is not null && !SameKind(savedName, chosen.Name))
                AnsiConsole.MarkupLineInterpolated($"[yellow]the run was started on {savedName}; it continues on {chosen.Name} because --backend says so[/]");
            return chosen;
        }
        return BackendSelection.Create(ChoiceOf(savedName), "the backend the run was started on; --backend chooses another");
    }

    /// <summary>"cpu" or "cuda:N" (as <see cref="IBackend.Name"/> writes them) as a choice.</summary>
    private static BackendChoice ChoiceOf(string name) =>
        name == "cpu" ? BackendChoice.Cpu
        : name.StartsWith("cuda", StringComparison.Ordinal) ? BackendChoice.Cuda
        : throw new FormatException($"the run records backend '{name}'; expected 'cpu' or 'cuda:N' (give --backend to choose one)");

    private static bool SameKind(string a, string b) => a.Split(':')[0] == b.Split(':')[0];
}
