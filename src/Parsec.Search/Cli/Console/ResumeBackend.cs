using Parsec.Autodiff;
using Parsec.Search.Flags;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// The backend of a resumed run: the one it was started on and the precision it computed in (saved with it), so
/// that a CPU run resumed on a GPU machine does not switch silently; --backend and --precision, when given, win
/// and the switch is said.
/// </summary>
internal static class ResumeBackend
{
    public static IBackend Create(string? savedName, Precision? savedPrecision, BackendFlags given, IReadOnlyCollection<string> givenFlags)
    {
        bool backendGiven = givenFlags.Contains("--backend"), precisionGiven = givenFlags.Contains("--precision");
        var flags = given with
        {
            Backend = backendGiven || savedName is null ? given.Backend : ChoiceOf(savedName),
            Precision = precisionGiven || savedPrecision is null ? given.Precision : savedPrecision.Value,
        };
        if (backendGiven || savedName is null)
        {
            var chosen = BackendSelection.Create(flags);
            if (savedName is not null && !SameKind(savedName, chosen.Name))
                AnsiConsole.MarkupLineInterpolated($"[yellow]the run was started on {savedName}; it continues on {chosen.Name} because --backend says so[/]");
            return chosen;
        }
        return BackendSelection.Create(flags, "the backend the run was started on; --backend chooses another");
    }

    /// <summary>"cpu" or "cuda:N" (as <see cref="IBackend.Name"/> writes them) as a choice.</summary>
    private static BackendChoice ChoiceOf(string name) =>
        name == "cpu" ? BackendChoice.Cpu
        : name.StartsWith("cuda", StringComparison.Ordinal) ? BackendChoice.Cuda
        : throw new BadInputException($"the run records backend '{name}'; expected 'cpu' or 'cuda:N' (give --backend to choose one)");

    private static bool SameKind(string a, string b) => a.Split(':')[0] == b.Split(':')[0];
}
