using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports;

/// <summary>Choices for <see cref="RunReport.WriteAll"/>.</summary>
internal sealed record RunReportOptions
{
    /// <summary>Path of Graphviz's <c>dot</c>; null looks for it on PATH.</summary>
    public string? DotExecutable { get; init; }

    /// <summary>False writes cells.dot without drawing it, e.g. where spawning a program is unwanted.</summary>
    public bool RenderGraphs { get; init; } = true;
}

/// <summary>What <see cref="RunReport.WriteAll"/> did: the files written (full paths, in the order written) and notes on what was left out and why.</summary>
internal sealed record RunReportResult(IReadOnlyList<string> Files, IReadOnlyList<string> Notes, bool GraphsRendered);

/// <summary>
/// Draws the report of a run folder from whatever it holds: training curves from metrics.jsonl, the evolution and
/// final state of pi from pi_history.jsonl, and the cells of genotype.json as a DOT graph (drawn to PNG when Graphviz
/// is installed). Missing inputs are noted and skipped. All inputs are read and checked before anything is written,
/// so a malformed file fails the report (naming the file and line) without leaving a partial set of images.
/// </summary>
internal static class RunReport
{
    public const string GenotypeFileName = "genotype.json";
    public const string CurvesFileName = "curves.png";
    public const string PiNormalFileName = "pi_normal.png";
    public const string PiReduceFileName = "pi_reduce.png";
    public const string PiFinalFileName = "pi_final.png";
    public const string CellsDotFileName = "cells.dot";
    public const string CellsPngFileName = "cells.png";

    /// <summary>The derivation of the run's pi.json with its noise estimate, or null when the run has no pi.json yet.</summary>
    private static Prior.DerivedGenotype? Derived(string piPath) =>
        File.Exists(piPath) ? Prior.Derivation.Derive(Prior.PriorJson.Load(piPath), Prior.DecisionNoiseFile.LoadBeside(piPath)) : null;

    public static RunReportResult WriteAll(string runDirectory, RunReportOptions? options = null)
    {
        options ??= new RunReportOptions();
        if (!Directory.Exists(runDirectory))
            throw new BadInputException($"run folder not found: {runDirectory}");

        var files = new List<string>();
        var notes = new List<string>();
        string In(string name) => Path.Combine(runDirectory, name);

        var metrics = File.Exists(In(MetricsFile.FileName)) ? MetricsFile.Read(In(MetricsFile.FileName)) : null;
        var pi = File.Exists(In(PiHistoryFile.FileName)) ? PiHistoryFile.Read(In(PiHistoryFile.FileName)) : null;
        var genotype = File.Exists(In(GenotypeFileName)) ? Genotype.Load(In(GenotypeFileName)) : null;
        if (metrics is not null) notes.AddRange(metrics.Warnings);
        if (pi is not null) notes.AddRange(pi.Warnings);

        if (metrics is null)
            notes.Add($"{MetricsFile.FileName} not found: no training curves");
        else if (CurvesPlot.Render(metrics) is { } curves)
            Write(CurvesFileName, curves);
        else
            notes.Add($"{MetricsFile.FileName} has no plottable fields: no training curves");

        if (pi is null)
            notes.Add($"{PiHistoryFile.FileName} not found: no plots of pi");
        else if (pi.Snapshots.Count == 0)
            notes.Add($"{PiHistoryFile.FileName} is empty: no plots of pi");
        else
        {
            Write(PiNormalFileName, PiEvolutionPlot.Render(pi, reduction: false, genotype)!);
            Write(PiReduceFileName, PiEvolutionPlot.Render(pi, reduction: true, genotype)!);
            Write(PiFinalFileName, PiFinalPlot.Render(pi, Derived(In("pi.json")))!);
        }

        // A PARSEC search's genotype is pi's most likely architecture; a training's, or another strategy's, is just the genotype.
        string title = pi is { Snapshots.Count: > 0 } ? "most likely architecture" : "genotype";
        if (genotype is null && pi is { Snapshots.Count: > 0 })
        {
            // Without a saved genotype the most likely architecture is still defined: the argmax of the last pi.
            var last = pi.Snapshots[^1];
            genotype = last.MostLikelyGenotype();
            title = $"most likely architecture under pi at iteration {last.Iteration}";
            notes.Add($"{GenotypeFileName} not found: cells drawn from the most likely choices of the last pi (iteration {last.Iteration})");
        }

        bool rendered = false;
        if (genotype is null)
            notes.Add($"{GenotypeFileName} not found: no cell graph");
        else
        {
            string dotPath = In(CellsDotFileName);
            AtomicFile.WriteAllText(dotPath, CellGraph.ToDot(genotype, title));
            files.Add(Path.GetFullPath(dotPath));
            if (options.RenderGraphs)
            {
                var outcome = new GraphvizRenderer(options.DotExecutable).RenderPng(dotPath, In(CellsPngFileName));
                rendered = outcome.Rendered;
                if (rendered) files.Add(Path.GetFullPath(In(CellsPngFileName)));
                else notes.Add(outcome.Message);
            }
            else
            {
                notes.Add($"{CellsDotFileName} written; drawing it was turned off");
            }
        }

        return new RunReportResult(files, notes, rendered);

        void Write(string name, byte[] png)
        {
            AtomicFile.WriteAllBytes(In(name), png);
            files.Add(Path.GetFullPath(In(name)));
        }
    }
}
