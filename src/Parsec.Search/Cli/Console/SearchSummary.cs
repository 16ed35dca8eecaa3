using Parsec.Search.RunFiles;
using Parsec.Search.Loop;
using Parsec.Search.Space;
using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>Prints how a search ended: where its files are, how far pi moved from uniform, the accuracy reached, the genotype.</summary>
internal static class SearchSummary
{
    public static int Print(SearchResult result)
    {
        var run = result.Run;
        AnsiConsole.MarkupLineInterpolated($"run folder: [bold]{run.Path}[/]");
        int ran = result.Iterations - result.StartIteration;
        if (ran == 0 && result.Outcome == SearchOutcome.Completed)
            AnsiConsole.MarkupLineInterpolated($"the run had already finished its {result.Iterations} iterations; none ran now (results rewritten from the checkpoint)");
        else
            AnsiConsole.MarkupLineInterpolated($"{ran} iterations in {result.Elapsed.TotalSeconds:0.0} s (this invocation; {result.Iterations} done in all)");
        double moved = result.UniformPiEntropy - result.PiEntropy;
        AnsiConsole.MarkupLineInterpolated(
            $"pi entropy: [bold]{result.PiEntropy:0.000}[/] nats (uniform prior: {result.UniformPiEntropy:0.000}; {moved:0.000} nats, {100 * moved / result.UniformPiEntropy:0.0}% below uniform)");
        if (result.RecentValidationAccuracy is { } accuracy)
            AnsiConsole.MarkupLineInterpolated(
                $"validation accuracy of sampled architectures (last {SearchRunner.RecentWindow} iterations): [bold]{100 * accuracy:0.0}%[/] (chance: {100.0 / result.Classes:0.0}%)");
        AnsiConsole.Write(OperationTable(result));
        var derived = result.MostLikely;
        AnsiConsole.MarkupLineInterpolated($"{(derived.Choices.Count > 0 ? "most likely genotype" : "genotype")}: {derived.Genotype}");
        if (derived.Choices.Count > 0)
            AnsiConsole.MarkupLineInterpolated($"{derived.DecidedCount} of {derived.Choices.Count} choices decided (margin over the runner-up above the noise of the estimate; `parsec derive` shows each)");
        else if (File.Exists(run.File(DartsAlphaFile.FileName)))
            AnsiConsole.MarkupLineInterpolated($"chosen by DARTS' rule from the mixing weights (per node the two strongest edges, their strongest candidate other than none; weights in {DartsAlphaFile.FileName})");
        else if (File.Exists(run.File(CandidateSelection.FileName)))
        {
            if (OptionsFile.Read(run.Options).Strategy == SearchStrategy.RandomWs)
                AnsiConsole.MarkupLineInterpolated($"chosen by shared-weight validation accuracy among uniformly sampled candidates (scores in {CandidateSelection.FileName})");
            else
                AnsiConsole.MarkupLineInterpolated($"chosen by shared-weight validation log-likelihood among pi's most likely genotype and draws from pi (scores in {CandidateSelection.FileName}; `parsec derive` gives pi's most likely genotype)");
        }
        if (derived.Warning() is { } warning) AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        if (result.Outcome == SearchOutcome.Completed && SearchRunner.ReadGenotypeCost(run) is { } cost)
            AnsiConsole.MarkupLineInterpolated($"{(cost.MeetsTarget ? "" : "[yellow]warning:[/] ")}{cost.Describe()}");
        foreach (string runWarning in result.Warnings ?? []) AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {runWarning} (also in {Path.GetFileName(run.Warnings)})");
        switch (result.Outcome)
        {
            case SearchOutcome.Completed:
                AnsiConsole.MarkupLineInterpolated($"wrote {Path.GetFileName(run.Pi)}, {Path.GetFileName(run.Genotype)}, {Path.GetFileName(run.Metrics)}, {Path.GetFileName(run.PiHistory)}, {Path.GetFileName(run.MemoryText)}");
                if (result.Report is not null) AnsiConsole.MarkupLineInterpolated($"{result.Report}");
                return ExitCodes.Done;
            case SearchOutcome.Interrupted:
                AnsiConsole.MarkupLineInterpolated($"[yellow]stopped after iteration {result.Iterations}[/]; continue with: parsec search --resume \"{run.Path}\"");
                return ExitCodes.Stopped;
            default:
                AnsiConsole.MarkupLineInterpolated($"[red]stopped: a non-finite value appeared[/] ({result.NonFinite?.Tensor}, iteration {result.NonFinite?.Iteration}); see {run.NanReport}");
                return ExitCodes.NonFinite;
        }
    }

    /// <summary>Each operation's probability averaged over the terms, per cell type (uniform: 1 / the space's operations).</summary>
    private static Table OperationTable(SearchResult result)
    {
        var space = result.Prior.Space;
        var table = new Table().AddColumns("operation", "normal cell", "reduction cell").Caption($"mean over the {space.Terms} terms; uniform is {1.0 / space.Ops.Count:0.000}");
        for (int op = 0; op < space.Ops.Count; op++)
        {
            table.AddRow(space.Ops[op], Mean(CellType.Normal, op).ToString("0.000"), Mean(CellType.Reduce, op).ToString("0.000"));
        }
        return table;

        double Mean(CellType type, int op) => Enumerable.Range(0, space.Terms).Average(k => result.Prior.OpProbabilities(type, k)[op]);
    }
}
