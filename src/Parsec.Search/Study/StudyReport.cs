using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Reports;
using ScottPlot;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Study;

/// <summary>Writes a finished study's results.md (the table and the verdict), results.json and results.png.</summary>
public static class StudyReport
{
    public static void Write(StudyFolder folder, StudyResult result)
    {
        AtomicFile.WriteAllText(folder.ResultsTable, Table(result));
        AtomicFile.WriteAllText(folder.ResultsJson, Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        try { AtomicFile.WriteAllBytes(folder.ResultsPlot, Plot(result)); }
        // The plot is a view of the table: a drawing failure must not fail a finished study.
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException)
        {
            AtomicFile.WriteAllText(folder.ResultsPlot + ".txt", $"results.png not drawn: {e.Message}");
        }
    }

    public static string Table(StudyResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        int seeds = r.Rows.Count > 0 ? r.Rows[0].Accuracies.Length : 0;
        var text = new StringBuilder();
        text.AppendLine("| genotype | kind | " + string.Join(" | ", Enumerable.Range(0, seeds).Select(s => $"seed {s}")) + " | mean | s.e. | parameters | training time |");
        text.AppendLine("| --- | --- | " + string.Concat(Enumerable.Repeat("--- | ", seeds)) + "--- | --- | --- | --- |");
        foreach (var row in r.Rows.OrderByDescending(x => x.Mean))
            text.AppendLine(string.Create(ci, $"| {row.Name} | {StudyGenotype.KindName(row.Kind)} | {string.Join(" | ", row.Accuracies.Select(a => $"{100 * a:0.00} %"))} | " +
                $"{100 * row.Mean:0.00} % | {(double.IsNaN(row.StandardError) ? "n/a" : $"{100 * row.StandardError:0.00}")} | {row.Parameters:N0} | {row.TrainingSeconds:0} s |"));
        text.AppendLine();
        text.AppendLine(Verdict(r));
        return text.ToString();
    }

    /// <summary>The searched genotype against the random median, its rank, and what the search cost.</summary>
    public static string Verdict(StudyResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        if (r.Searched is { } s && r.RandomMedian is double median)
        {
            string se = r.MarginInStandardErrors is double z ? string.Create(ci, $"{z:0.0} standard errors of its mean") : "standard error unknown (one seed)";
            lines.Add(string.Create(ci, $"searched: {100 * s.Mean:0.00} % against a random median of {100 * median:0.00} %: {100 * r.Margin:+0.00;-0.00} points, {se}; rank {r.SearchedRank} of {r.Rows.Count}.") +
                      (r.BeatsRandom ? " The search beats random genotypes." : " The search does not beat random genotypes by more than 2 standard errors."));
        }
        lines.Add(string.Create(ci, $"compute: search {r.SearchSeconds:0} s; training the {r.Random.Count} random genotypes {r.RandomTrainingSeconds:0} s; all trainings {r.TrainingSeconds:0} s."));
        return string.Join(Environment.NewLine, lines);
    }

    private static JsonObject Json(StudyResult r) => new()
    {
        ["genotypes"] = new JsonArray(r.Rows.Select(row => (JsonNode)new JsonObject
        {
            ["name"] = row.Name,
            ["kind"] = StudyGenotype.KindName(row.Kind),
            ["genotype"] = row.Genotype,
            ["test_accuracies"] = new JsonArray(row.Accuracies.Select(a => (JsonNode)a!).ToArray()),
            ["mean"] = row.Mean,
            ["standard_error"] = double.IsNaN(row.StandardError) ? null : row.StandardError,
            ["parameters"] = row.Parameters,
            ["training_seconds"] = row.TrainingSeconds,
        }).ToArray()),
        ["random_median"] = r.RandomMedian,
        ["searched_rank"] = r.SearchedRank,
        ["margin"] = r.Margin,
        ["margin_in_standard_errors"] = r.MarginInStandardErrors,
        ["beats_random"] = r.BeatsRandom,
        ["search_seconds"] = r.SearchSeconds,
        ["random_training_seconds"] = r.RandomTrainingSeconds,
        ["training_seconds"] = r.TrainingSeconds,
    };

    /// <summary>One column per genotype (best mean on the left), one dot per seed, a bar at the mean; searched red, random blue, published green.</summary>
    private static byte[] Plot(StudyResult r)
    {
        var plot = new ScottPlot.Plot();
        ReportStyle.Apply(plot);
        var rows = r.Rows.OrderByDescending(x => x.Mean).ToList();
        var ticks = new List<Tick>();
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var color = row.Kind switch
            {
                GenotypeKind.Searched => ReportStyle.Secondary,
                GenotypeKind.Random => ReportStyle.Primary,
                _ => Color.FromHex("#2ca02c"),
            };
            var dots = plot.Add.Scatter(row.Accuracies.Select(_ => (double)i).ToArray(), row.Accuracies.Select(a => 100 * a).ToArray());
            dots.LineWidth = 0;
            dots.MarkerSize = 9;
            dots.Color = color;
            var mean = plot.Add.Line(i - 0.3, 100 * row.Mean, i + 0.3, 100 * row.Mean);
            mean.Color = color;
            mean.LineWidth = 3;
            ticks.Add(new Tick(i, row.Name));
        }
        if (r.RandomMedian is double median)
        {
            var line = plot.Add.HorizontalLine(100 * median);
            line.Color = ReportStyle.Primary.WithAlpha(0.5);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "random median";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.Label.Text = "test accuracy (%)";
        plot.Title("test accuracy per genotype and seed (bar: mean)");
        return plot.GetImageBytes(Math.Max(1000, 110 * rows.Count), 600, ImageFormat.Png);
    }
}
