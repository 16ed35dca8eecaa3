using Parsec.Search.Prior;
using Parsec.Search.Space;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// Prints a derived genotype choice by choice: what was chosen, with which probability, its margin over the
/// runner-up and the margin chance alone reaches, and whether that makes it a decision; then a warning when
/// pi has not concentrated.
/// </summary>
internal static class DerivationTable
{
    public static void Print(DerivedGenotype derived)
    {
        foreach (var type in CellTypes.All)
        {
            var table = new Table().Title($"{type.JsonName()} cell").AddColumns("node", "kind", "choice", "p", "margin", "noise", "decided");
            var terms = type == CellType.Normal ? derived.Genotype.Normal : derived.Genotype.Reduce;
            for (int k = 0; k < terms.Count; k++)
            {
                string node = CellLayout.InputName(CellLayout.NodeOfTerm(k) + CellLayout.InputNodes);
                foreach (var choice in derived.Choices.Where(c => c.Cell == type && c.Term == k).OrderByDescending(c => c.IsInput))
                    table.AddRow(choice.IsInput ? node : "", choice.IsInput ? "input" : "operation",
                        choice.IsInput ? CellLayout.InputName(terms[k].Input) : terms[k].Op, $"{choice.Probability:0.000}", Margin(choice),
                        choice.NoiseMargin is double n ? $"{n:0.000}" : "unknown", Verdict(choice));
            }
            table.Caption("margin: probability minus the runner-up's; noise: the margin chance alone reaches (95th percentile of null replays)");
            AnsiConsole.Write(table);
        }
        AnsiConsole.MarkupLineInterpolated($"{derived.DecidedCount} of {derived.Choices.Count} choices decided");
        if (derived.Warning() is { } warning) AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
    }

    private static string Margin(ChoiceDecision c) => c.Tie ? "tie" : $"{c.Margin:0.000}";

    private static string Verdict(ChoiceDecision c) => c.Tie ? "tie" : c.NoiseMargin is null ? "?" : c.Decided ? "yes" : "no";
}
