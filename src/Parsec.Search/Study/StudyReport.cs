using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Reports;
using ScottPlot;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Study;

/// <summary>Writes a finished study's results.md (the table and the verdict), results.json and results.png.</summary>
internal static class StudyReport
{
    public static void Write(StudyFolder folder, StudyResult result)
    {
        AtomicFile.WriteAllText(folder.ResultsTable, Table(result));
        AtomicFile.WriteAllText(folder.ResultsJson, Json(result).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        try
        {
            AtomicFile.WriteAllBytes(folder.ResultsPlot, Plot(result));
            if (RankingPlot(result) is { } ranking) AtomicFile.WriteAllBytes(folder.RankingPlot, ranking);
            AtomicFile.WriteAllBytes(folder.ParetoPlot, ParetoPlot(result));
        }
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
        bool estimated = r.Rows.Any(row => r.EstimatedAccuracy(row.Name) is not null);
        var text = new StringBuilder();
        text.AppendLine("| genotype | kind | " + string.Join(" | ", Enumerable.Range(0, seeds).Select(s => $"seed {s}")) + " | mean | s.e. | parameters | multiply-adds | training time |" +
                        (estimated ? " search's estimate |" : ""));
        text.AppendLine("| --- | --- | " + string.Concat(Enumerable.Repeat("--- | ", seeds)) + "--- | --- | --- | --- | --- |" + (estimated ? " --- |" : ""));
        foreach (var row in r.Rows.OrderByDescending(x => x.Mean))
            text.AppendLine(string.Create(ci, $"| {row.Name} | {StudyGenotype.KindName(row.Kind)} | {string.Join(" | ", row.Accuracies.Select(a => $"{100 * a:0.00} %"))} | " +
                $"{100 * row.Mean:0.00} % | {(double.IsNaN(row.StandardError) ? "n/a" : $"{100 * row.StandardError:0.00}")} | {row.Parameters:N0} | {row.MultiplyAdds:N0} | {row.TrainingSeconds:0} s |") +
                (estimated ? string.Create(ci, $" {(r.EstimatedAccuracy(row.Name) is double e ? $"{100 * e:0.00} %" : "n/a")} |") : ""));
        text.AppendLine();
        if (r.Strategies.Count > 1)
        {
            text.AppendLine(StrategyTable(r));
            text.AppendLine();
        }
        text.AppendLine(Verdict(r));
        if (r.Rankings.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(RankingTable(r));
        }
        return text.ToString();
    }

    /// <summary>Each strategy's searched genotypes against the random median, each search seed's rank, the budgets and what the searches cost.</summary>
    public static string Verdict(StudyResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        var strategies = r.Strategies;
        foreach (var strategy in strategies)
        {
            if (strategy.Searched.Count > 1)
                foreach (var s in strategy.Searched)
                    lines.Add(string.Create(ci, $"{s.Name}: {100 * s.Mean:0.00} %, rank {r.RankOf(s)} of {r.RankedCount}."));
            if (r.RandomMedian is not double median) continue;
            string over = strategy.StandardErrorOverSearchSeeds ? $"standard errors over the {strategy.Searched.Count} search seeds" : "standard errors of its mean over training seeds";
            string se = strategy.MarginInStandardErrors is double z ? string.Create(ci, $"{z:0.0} {over}")
                // Identical means (a tiny study can give every search the same accuracy) leave no spread to measure the margin by.
                : strategy.StandardError == 0 ? (strategy.StandardErrorOverSearchSeeds
                    ? $"no spread over the {strategy.Searched.Count} search seeds (their means agree), so no size in standard errors"
                    : "no spread over the training seeds, so no size in standard errors")
                : "standard error unknown (one seed)";
            string who = (strategies.Count > 1 ? strategy.Name : "searched") + (strategy.Searched.Count > 1 ? $" (mean of {strategy.Searched.Count} search seeds)" : "");
            string rank = strategy.Searched.Count > 1 ? $"worst rank {strategy.WorstRank} of {r.RankedCount}" : $"rank {strategy.WorstRank} of {r.RankedCount}";
            string subject = strategies.Count > 1 ? $"{strategy.Name} beats" : "The search beats";
            lines.Add(string.Create(ci, $"{who}: {100 * strategy.Mean:0.00} % against a random median of {100 * median:0.00} %: {100 * strategy.Margin:+0.00;-0.00} points, {se}; {rank}.") +
                      (strategy.BeatsRandom ? $" {subject} random genotypes." : $" {(strategies.Count > 1 ? strategy.Name : "The search")} does not beat random genotypes by more than 2 standard errors."));
        }
        if (r.CostTarget is double target && r.CostMeasure is { } measure)
        {
            string unit = Cost.GenotypeCost.Name(measure);
            double Of(GenotypeResult g) => measure == Cost.CostMeasure.Params ? g.Parameters : g.MultiplyAdds;
            lines.Add(string.Create(ci, $"cost: every genotype's {unit} against the target {target:N0}: ") +
                      string.Join(", ", r.Rows.Where(g => g.Kind != GenotypeKind.Published).Select(g => string.Create(ci, $"{g.Name} {Of(g):N0}{(Of(g) > target ? " (over)" : "")}"))) + ".");
        }
        if (r.Budget is { } budget) lines.Add(budget.Describe());
        lines.Add(string.Create(ci, $"compute: search {r.SearchSeconds:0} s; training the {r.Random.Count} random genotypes {r.RandomTrainingSeconds:0} s; all trainings {r.TrainingSeconds:0} s."));
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>
    /// With several strategies: per strategy the mean over search seeds, its margin, the ranks, and one search's compute
    /// (measured time and images per kind of pass), its time against the first strategy's: the comparison holds at equal
    /// compute, within 10 %.
    /// </summary>
    public static string StrategyTable(StudyResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        var strategies = r.Strategies;
        var reference = strategies.Select(s => s.MeanCompute).FirstOrDefault(c => c is { Seconds: > 0 });
        var text = new StringBuilder();
        text.AppendLine("| strategy | search seeds | mean | s.e. | against the random median | ranks | one search: seconds | time against the first | peak memory | images: single-path training | forward only | supernet training |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var s in strategies)
        {
            var c = s.MeanCompute;
            string ratio = c is null || reference is null ? "n/a"
                : string.Create(ci, $"{c.Seconds / reference.Seconds:0.00}x{(Math.Abs(c.Seconds / reference.Seconds - 1) > 0.1 ? " (not equal compute)" : "")}");
            text.AppendLine(string.Create(ci, $"| {s.Name} | {s.Searched.Count} | {100 * s.Mean:0.00} % | {(s.StandardError is double se ? $"{100 * se:0.00}" : "n/a")} | ") +
                            string.Create(ci, $"{(s.Margin is double m ? $"{100 * m:+0.00;-0.00} points" + (s.MarginInStandardErrors is double z ? $", {z:0.0} s.e." : "") : "n/a")} | ") +
                            $"{string.Join(", ", s.Ranks)} of {r.RankedCount} | " +
                            (c is null ? "n/a | n/a | n/a | n/a | n/a | n/a" : string.Create(ci, $"{c.Seconds:0} | {ratio} | {c.PeakMib:0} MiB | {c.TrainingImages:N0} | {c.ForwardImages:N0} | {c.SupernetImages:N0}")) + " |");
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// Per search, Kendall's tau between its estimates and the trained mean accuracies: whether the shared weights (and
    /// pi) order cells as training does at this budget.
    /// </summary>
    public static string RankingTable(StudyResult r)
    {
        var ci = CultureInfo.InvariantCulture;
        string Cell(RankCorrelation? c) => c is null || double.IsNaN(c.Tau) ? "n/a | n/a" : string.Create(ci, $"{c.Tau:+0.00;-0.00} | {c.PValue:0.000}");
        var text = new StringBuilder();
        text.AppendLine("Does the search's own estimate order the genotypes as training does? Kendall's tau against the trained mean accuracy (p: chance of a |tau| this large from unrelated orders):");
        text.AppendLine();
        text.AppendLine("| search | genotypes | tau, shared-weight val accuracy | p | tau, shared-weight val log-likelihood | p | tau, log p(genotype \\| pi) | p |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var ranking in r.Rankings)
            text.AppendLine($"| {ranking.Search} | all {ranking.Genotypes} | {Cell(ranking.ByAccuracy)} | {Cell(ranking.ByLogLikelihood)} | {Cell(ranking.ByPi)} |");
        foreach (var ranking in r.RankingsOfOthers)
            text.AppendLine($"| {ranking.Search} | {ranking.Genotypes} not searched | {Cell(ranking.ByAccuracy)} | {Cell(ranking.ByLogLikelihood)} | {Cell(ranking.ByPi)} |");
        return text.ToString().TrimEnd();
    }

    private static JsonNode? Json(RankCorrelation? c) => c is null || double.IsNaN(c.Tau) ? null : new JsonObject
    {
        ["tau"] = c.Tau, ["p_value"] = c.PValue, ["count"] = c.Count, ["exact_p_value"] = c.Exact,
    };

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
            ["multiply_adds"] = row.MultiplyAdds,
            ["training_seconds"] = row.TrainingSeconds,
            ["strategy"] = row.Strategy,
            ["rank"] = row.Kind == GenotypeKind.Searched ? r.RankOf(row) : null,
            ["estimated_val_accuracy"] = r.EstimatedAccuracy(row.Name),
        }).ToArray()),
        ["random_median"] = r.RandomMedian,
        ["ranked_count"] = r.RankedCount,
        ["cost_measure"] = r.CostMeasure is { } m ? (m == Cost.CostMeasure.Params ? "params" : "flops") : null,
        ["cost_target"] = r.CostTarget,
        ["strategies"] = new JsonArray(r.Strategies.Select(s => (JsonNode)new JsonObject
        {
            ["strategy"] = s.Name,
            ["search_seeds"] = s.Searched.Count,
            ["mean"] = s.Mean,
            ["standard_error"] = s.StandardError,
            ["standard_error_over"] = s.StandardErrorOverSearchSeeds ? "search seeds" : "training seeds",
            ["ranks"] = new JsonArray(s.Ranks.Select(k => (JsonNode)k).ToArray()),
            ["worst_rank"] = s.WorstRank,
            ["margin"] = s.Margin,
            ["margin_in_standard_errors"] = s.MarginInStandardErrors,
            ["beats_random"] = s.BeatsRandom,
            ["search_seconds"] = s.MeanCompute?.Seconds,
            ["search_training_images"] = s.MeanCompute?.TrainingImages,
            ["search_forward_images"] = s.MeanCompute?.ForwardImages,
            ["search_supernet_images"] = s.MeanCompute?.SupernetImages,
            ["search_peak_mib"] = s.MeanCompute?.PeakMib,
        }).ToArray()),
        ["rank_correlations"] = new JsonArray(r.Rankings.Select(k => (JsonNode)new JsonObject
        {
            ["search"] = k.Search,
            ["over"] = "all genotypes",
            ["genotypes"] = k.Genotypes,
            ["shared_weight_val_accuracy"] = Json(k.ByAccuracy),
            ["shared_weight_val_log_likelihood"] = Json(k.ByLogLikelihood),
            ["log_probability_under_pi"] = Json(k.ByPi),
        }).Concat(r.RankingsOfOthers.Select(k => (JsonNode)new JsonObject
        {
            ["search"] = k.Search,
            ["over"] = "genotypes not searched",
            ["genotypes"] = k.Genotypes,
            ["shared_weight_val_accuracy"] = Json(k.ByAccuracy),
            ["shared_weight_val_log_likelihood"] = Json(k.ByLogLikelihood),
            ["log_probability_under_pi"] = Json(k.ByPi),
        })).ToArray()),
        ["budget"] = r.Budget is { } b ? new JsonObject
        {
            ["search_iterations"] = b.SearchIterations, ["search_warmup_iterations"] = b.SearchWarmupIterations, ["search_batch_size"] = b.SearchBatchSize,
            ["search_weight_images"] = b.SearchWeightImages, ["search_epochs"] = b.SearchEpochs, ["training_epochs"] = b.TrainingEpochs, ["training_images"] = b.TrainingImages,
        } : null,
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
            var color = KindColor(row.Kind);
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
        string tau = TauSummary(r);
        plot.Title("test accuracy per genotype and seed (bar: mean)" + (tau.Length > 0 ? $"\nKendall's tau, search's estimate vs trained: {tau}" : ""));
        return plot.GetImageBytes(Math.Max(1000, 110 * rows.Count), 600, ImageFormat.Png);
    }

    /// <summary>Mean test accuracy against cost (the study's cost measure, parameters without one), one point per genotype, the target as a line.</summary>
    private static byte[] ParetoPlot(StudyResult r)
    {
        var measure = r.CostMeasure ?? Cost.CostMeasure.Params;
        double Of(GenotypeResult g) => measure == Cost.CostMeasure.Params ? g.Parameters : g.MultiplyAdds;
        var plot = new ScottPlot.Plot();
        ReportStyle.Apply(plot);
        foreach (var kind in Enum.GetValues<GenotypeKind>())
        {
            var rows = r.Rows.Where(g => g.Kind == kind).ToList();
            if (rows.Count == 0) continue;
            var dots = plot.Add.Scatter(rows.Select(Of).ToArray(), rows.Select(g => 100 * g.Mean).ToArray());
            dots.LineWidth = 0;
            dots.MarkerSize = 10;
            dots.Color = KindColor(kind);
            dots.LegendText = StudyGenotype.KindName(kind);
            foreach (var g in rows.Where(g => g.Kind != GenotypeKind.Random))
            {
                var label = plot.Add.Text(g.Name, Of(g), 100 * g.Mean);
                label.LabelFontSize = 11;
                label.LabelFontColor = KindColor(kind);
            }
        }
        if (r.CostTarget is double target)
        {
            var line = plot.Add.VerticalLine(target);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "cost target";
        }
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.Bottom.Label.Text = measure == Cost.CostMeasure.Params ? "parameters" : "multiply-adds per image";
        plot.Axes.Left.Label.Text = "test accuracy, mean over seeds (%)";
        plot.Title("accuracy against cost");
        return plot.GetImageBytes(900, 600, ImageFormat.Png);
    }

    private static Color KindColor(GenotypeKind kind) => kind switch
    {
        GenotypeKind.Searched => ReportStyle.Secondary,
        GenotypeKind.Random => ReportStyle.Primary,
        _ => Color.FromHex("#2ca02c"),
    };

    /// <summary>"+0.43 (p 0.08)" per search, by the shared-weight accuracy (pi's probability when the weights were not at hand).</summary>
    private static string TauSummary(StudyResult r) => string.Join("; ", r.Rankings
        .Select(k => (k.Search, Tau: k.ByAccuracy ?? k.ByPi))
        .Where(k => k.Tau is { } t && !double.IsNaN(t.Tau))
        .Select(k => string.Create(CultureInfo.InvariantCulture, $"{(r.Rankings.Count > 1 ? k.Search + " " : "")}{k.Tau!.Tau:+0.00;-0.00} (p {k.Tau.PValue:0.00})")));

    /// <summary>Each search's shared-weight validation accuracy of every genotype against its trained mean accuracy, one colour per search.</summary>
    private static byte[]? RankingPlot(StudyResult r)
    {
        var scored = (r.Estimates ?? []).Where(e => e.Genotypes.Any(g => g.ValidationAccuracy is not null)).ToList();
        if (scored.Count == 0) return null;
        var trained = r.Rows.ToDictionary(row => row.Name, row => row.Mean);
        var plot = new ScottPlot.Plot();
        ReportStyle.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < scored.Count; i++)
        {
            var points = scored[i].Genotypes.Where(g => g.ValidationAccuracy is not null && trained.ContainsKey(g.Name)).ToList();
            var dots = plot.Add.Scatter(points.Select(g => 100 * g.ValidationAccuracy!.Value).ToArray(), points.Select(g => 100 * trained[g.Name]).ToArray());
            dots.LineWidth = 0;
            dots.MarkerSize = 10;
            dots.Color = palette.GetColor(i);
            var ranking = r.Rankings.First(k => k.Search == scored[i].Search);
            dots.LegendText = string.Create(CultureInfo.InvariantCulture, $"{scored[i].Search}: tau {ranking.ByAccuracy?.Tau:+0.00;-0.00} (p {ranking.ByAccuracy?.PValue:0.00})");
            foreach (var g in points.Where(g => g.Name.StartsWith("searched", StringComparison.Ordinal)))
            {
                var label = plot.Add.Text(g.Name, 100 * g.ValidationAccuracy!.Value, 100 * trained[g.Name]);
                label.LabelFontSize = 11;
                label.LabelFontColor = palette.GetColor(i);
            }
        }
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.Bottom.Label.Text = "search's estimate: shared-weight validation accuracy at the end of the search (%)";
        plot.Axes.Left.Label.Text = "trained test accuracy, mean over seeds (%)";
        plot.Title("does the search's estimate order the genotypes as training does?");
        return plot.GetImageBytes(900, 650, ImageFormat.Png);
    }
}
