using System.Globalization;
using System.Text.Json;
using Parsec.Search.Space;

namespace Parsec.Search.Reports.Html;

/// <summary>
/// report.html of a search or training run folder, made from the files the run has written so far: its state, the
/// architecture and cell drawings, the curves, pi's evolution and final decisions (a PARSEC search), memory, compute
/// and options, with links to the raw files. The run rewrites it at each checkpoint, so a running job is watched by
/// reloading the page; each piece not written yet is said to be pending rather than left out silently.
/// </summary>
internal static class RunPage
{
    public const string FileName = "report.html";

    /// <summary>Files a person may want beside the page, linked when present.</summary>
    private static readonly string[] LinkedFiles =
    [
        "run.log", MetricsCsv.FileName, MetricsFile.FileName, "options.json", "options_history.jsonl", "genotype.json", "pi.json",
        "pi_history.jsonl", "decision_noise.json", "candidates.json", "alpha.json", "cost.json", "memory.json", "result.json",
        "warnings.txt", "nan_report.txt", RunReport.CellsDotFileName,
    ];

    /// <summary>A search's page: <paramref name="totalIterations"/> from its options, null when not known.</summary>
    public static void WriteSearch(string folder, int? totalIterations, bool finished)
    {
        string In(string name) => Path.Combine(folder, name);
        var metrics = ReadMetrics(folder);
        int done = metrics is null ? 0 : (int)metrics.Series(MetricsFile.Iteration).Y.LastOrDefault();
        var page = new HtmlPage($"Search {Path.GetFileName(Path.TrimEndingDirectorySeparator(folder))}");
        page.Paragraph(finished
            ? $"Finished: {done} iterations."
            : $"In progress or stopped: {done} of {(totalIterations is int total ? total.ToString(CultureInfo.InvariantCulture) : "?")} iterations logged. Reload this page to update it.");
        Stamp(page);
        Notes(page, folder);

        page.Heading("Architecture");
        if (File.Exists(In(RunReport.GenotypeFileName))) Genotype(page, In(RunReport.GenotypeFileName));
        else page.Paragraph("genotype.json is written when the search ends; until then pi's most likely choices are drawn below.", "note");
        if (File.Exists(In(RunReport.CellsPngFileName))) page.Image(In(RunReport.CellsPngFileName), "normal and reduction cells");

        page.Heading("Curves");
        page.Image(In(RunReport.CurvesFileName), "training curves");

        if (File.Exists(In(PiHistoryFile.FileName)))
        {
            page.Heading("Pi: how the decisions evolved and where they ended");
            page.Image(In(RunReport.PiNormalFileName), "pi of the normal cell by iteration");
            page.Image(In(RunReport.PiReduceFileName), "pi of the reduction cell by iteration");
            page.Image(In(RunReport.PiFinalFileName), "pi's final decisions");
        }

        page.Heading("Memory");
        if (File.Exists(In("memory.txt"))) page.Preformatted(File.ReadAllText(In("memory.txt")));
        else page.Paragraph("memory.txt not written", "note");

        page.Heading("Compute");
        Compute(page, metrics, MetricsFile.StepMs, "per iteration", "ms");
        if (metrics is not null && metrics.Has(MetricsFile.SamplesPerSecond))
            page.Paragraph($"median throughput: {Statistics.Median(metrics.Series(MetricsFile.SamplesPerSecond).Y):0.0} images per second");

        Options(page, File.Exists(In("options.json")) ? File.ReadAllText(In("options.json")) : null);
        Files(page, folder);
        page.Write(In(FileName));
    }

    /// <summary>A training's page; <paramref name="optionsJson"/> is the training's record (its options and data), null when not at hand.</summary>
    public static void WriteTraining(string folder, int totalEpochs, string? optionsJson)
    {
        string In(string name) => Path.Combine(folder, name);
        var metrics = ReadMetrics(folder);
        int done = metrics is null ? 0 : (int)metrics.Series(MetricsFile.Epoch).Y.LastOrDefault();
        var page = new HtmlPage($"Training {TrainingName(folder)}");
        if (File.Exists(In("result.json")))
        {
            using var result = JsonDocument.Parse(File.ReadAllText(In("result.json")));
            var root = result.RootElement;
            page.Paragraph($"Finished: test accuracy {100 * root.GetProperty(MetricsFile.TestAcc).GetDouble():0.00} % " +
                           $"(loss {root.GetProperty(MetricsFile.TestLoss).GetDouble():0.0000}) after {root.GetProperty("epochs").GetInt32()} epochs; " +
                           $"{root.GetProperty("parameters_without_auxiliary").GetInt64():N0} parameters.");
        }
        else page.Paragraph($"In progress or stopped: {done} of {totalEpochs} epochs done. Reload this page to update it.");
        Stamp(page);
        Notes(page, folder);

        page.Heading("Architecture");
        if (File.Exists(In(RunReport.GenotypeFileName))) Genotype(page, In(RunReport.GenotypeFileName));
        if (File.Exists(In(RunReport.CellsPngFileName))) page.Image(In(RunReport.CellsPngFileName), "normal and reduction cells");

        page.Heading("Curves");
        page.Image(In(RunReport.CurvesFileName), "training curves");
        if (metrics is not null) EpochTable(page, metrics);

        page.Heading("Compute");
        Compute(page, metrics, MetricsFile.EpochSeconds, "per epoch", "s");

        Options(page, optionsJson);
        Files(page, folder);
        page.Write(In(FileName));
    }

    /// <summary>"NAME seed S" for a study's train/NAME/seed-S folder, the folder's name otherwise.</summary>
    private static string TrainingName(string folder)
    {
        var here = new DirectoryInfo(folder);
        return here.Name.StartsWith("seed-", StringComparison.Ordinal) && here.Parent is { } parent ? $"{parent.Name}, {here.Name}" : here.Name;
    }

    private static MetricsLog? ReadMetrics(string folder)
    {
        string path = Path.Combine(folder, MetricsFile.FileName);
        return File.Exists(path) ? MetricsFile.Read(path) : null;
    }

    private static void Stamp(HtmlPage page) =>
        page.Paragraph($"Page written {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC.", "note");

    private static void Notes(HtmlPage page, string folder)
    {
        foreach (var (file, heading) in new[] { ("warnings.txt", "Warnings"), ("nan_report.txt", "Stopped on a non-finite value") })
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path)) continue;
            page.Heading(heading);
            foreach (string line in File.ReadAllLines(path).Where(l => l.Length > 0)) page.Paragraph(line, "warning");
        }
    }

    private static void Genotype(HtmlPage page, string path)
    {
        var genotype = Space.Genotype.Load(path);
        page.Table(["cell", "nodes"], [["normal", Space.Genotype.Describe(genotype.Normal)], ["reduce", Space.Genotype.Describe(genotype.Reduce)]]);
    }

    private static void EpochTable(HtmlPage page, MetricsLog metrics)
    {
        string[] keys = [MetricsFile.Epoch, MetricsFile.LearningRate, MetricsFile.TrainLoss, MetricsFile.TrainAcc, MetricsFile.TestLoss, MetricsFile.TestAcc, MetricsFile.EpochSeconds];
        page.Table(keys, metrics.Rows.Select(row => (IReadOnlyList<HtmlCell>)keys.Select(k => new HtmlCell(
            row.TryGet(k, out double v) ? v.ToString(k == MetricsFile.Epoch ? "0" : "0.####", CultureInfo.InvariantCulture) : "")).ToList()));
    }

    private static void Compute(HtmlPage page, MetricsLog? metrics, string key, string per, string unit)
    {
        if (metrics is null || !metrics.Has(key))
        {
            page.Paragraph("nothing logged yet", "note");
            return;
        }
        var values = metrics.Series(key).Y;
        double total = values.Sum() * (unit == "ms" ? 1e-3 : 1);
        page.Paragraph($"{values.Length} logged: median {Statistics.Median(values):0.##} {unit} {per}, {total:0} s in all" +
                       (metrics.Has(MetricsFile.MemoryMib) ? $"; peak memory logged {metrics.Series(MetricsFile.MemoryMib).Y.Max():0} MiB" : ""));
    }

    private static void Options(HtmlPage page, string? json)
    {
        page.Heading("Options");
        if (json is null) page.Paragraph("not recorded", "note");
        else page.Table(["option", "value"], JsonTable.Rows(json));
    }

    private static void Files(HtmlPage page, string folder)
    {
        page.Heading("Files");
        var present = LinkedFiles.Where(name => File.Exists(Path.Combine(folder, name))).ToList();
        if (present.Count == 0) page.Paragraph("none yet", "note");
        else page.Table(["file", "bytes"], present.Select(name => (IReadOnlyList<HtmlCell>)
            [new HtmlCell(name, name), new FileInfo(Path.Combine(folder, name)).Length.ToString("N0", CultureInfo.InvariantCulture)]));
    }
}
