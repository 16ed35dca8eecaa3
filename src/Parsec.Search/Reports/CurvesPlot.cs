using ScottPlot;
using M = Parsec.Search.Reports.MetricsFile;

namespace Parsec.Search.Reports;

/// <summary>
/// Training curves of a run in a grid of panels: loss and accuracy (train against validation or test), then the
/// search's own signals (entropy of pi, entropy of the importance weights) and the cost side (learning rate,
/// throughput, step time, memory; epoch time and input-pipeline wait for an evaluation training). A panel is drawn
/// only when the log has one of its fields, so the same code serves both kinds of run and older logs.
/// </summary>
internal static class CurvesPlot
{
    public const int Width = 1400;
    public const int PanelHeight = 340;

    /// <summary>Above this many points a series is noisy per-step data: it is drawn faint with a moving average over it.</summary>
    private const int SmoothAbove = 150;
    /// <summary>Below this many points (a short evaluation) each point gets a marker, so single epochs are visible.</summary>
    private const int MarkersBelow = 40;
    private const int MaxPlottedPoints = 4000;

    /// <summary>One logged field. <paramref name="Noisy"/> marks per-step measurements (a mini-batch loss, a step time) that get a moving average; smooth schedules are drawn as they are.</summary>
    private sealed record Series(string Key, string Label, Color Color, bool Noisy = true);

    private sealed record Panel(string Title, string YLabel, Alignment LegendAt, bool Accuracy, params Series[] Series);

    private static readonly Color Third = Color.FromHex("#2ca02c");

    private static readonly Panel[] Panels =
    [
        new("Loss", "cross-entropy", Alignment.UpperRight, false,
            new Series(M.TrainLoss, "train", ReportStyle.Primary), new Series(M.ValLoss, "validation", ReportStyle.Secondary), new Series(M.TestLoss, "test", ReportStyle.Secondary)),
        new("Accuracy", "accuracy", Alignment.LowerRight, true,
            new Series(M.TrainAcc, "train", ReportStyle.Primary), new Series(M.ValAcc, "validation", ReportStyle.Secondary), new Series(M.TestAcc, "test", ReportStyle.Secondary)),
        new("Entropy of π (all categoricals)", "entropy", Alignment.UpperRight, false,
            new Series(M.PiEntropy, "H(π)", Color.FromHex("#6a51a3"), Noisy: false)),
        new("Entropy of the importance weights ω (0: one sample dominates)", "entropy", Alignment.UpperRight, false,
            new Series(M.WeightEntropy, "H(ω)", Color.FromHex("#e6550d"))),
        new("Learning rate (weights)", "learning rate", Alignment.UpperRight, false,
            new Series(M.LearningRate, "lr", Color.Gray(90), Noisy: false)),
        new("Throughput", "samples / s", Alignment.LowerRight, false,
            new Series(M.SamplesPerSecond, "samples/s", Third)),
        new("Step time", "ms", Alignment.UpperRight, false,
            new Series(M.StepMs, "step", Third)),
        new("Device memory", "MiB", Alignment.LowerRight, false,
            new Series(M.MemoryMib, "memory", Color.FromHex("#8c564b"), Noisy: false)),
        new("Epoch time", "seconds", Alignment.UpperRight, false,
            new Series(M.EpochSeconds, "epoch", Third)),
        new("Time waiting for input data", "ms", Alignment.UpperRight, false,
            new Series(M.PipelineWaitMs, "pipeline wait", Color.FromHex("#8c564b"))),
    ];

    /// <summary>The panels this log has data for, by title (what <see cref="Render"/> would draw).</summary>
    public static IReadOnlyList<string> PanelTitles(MetricsLog log) =>
        Panels.Where(p => p.Series.Any(s => log.Has(s.Key))).Select(p => p.Title).ToList();

    /// <summary>The figure as PNG bytes, or null when the log has no field worth a panel.</summary>
    public static byte[]? Render(MetricsLog log)
    {
        var panels = Panels.Where(p => p.Series.Any(s => log.Has(s.Key))).ToList();
        if (panels.Count == 0) return null;

        int columns = panels.Count == 1 ? 1 : 2;
        int rows = (panels.Count + columns - 1) / columns;
        var figure = ReportStyle.Figure(panels.Select(p => Draw(log, p)).ToList(), new ScottPlot.MultiplotLayouts.Grid(rows, columns));
        return ReportStyle.ToPng(figure, Width, PanelHeight * rows);
    }

    private static Plot Draw(MetricsLog log, Panel panel)
    {
        var plot = new Plot();
        ReportStyle.Apply(plot);
        string xLabel = log.XKey ?? "record";

        // Accuracies are logged as fractions by some writers and as percentages by others; a panel whose values
        // all lie in [0, 1] is shown in percent so both read the same.
        double scale = 1;
        if (panel.Accuracy)
        {
            bool fractions = panel.Series.Where(s => log.Has(s.Key)).All(s => log.Series(s.Key).Y.All(v => v <= 1.0 + 1e-9));
            scale = fractions ? 100 : 1;
        }

        foreach (var s in panel.Series)
        {
            var (x, y) = log.Series(s.Key);
            if (x.Length == 0) continue;
            if (scale != 1) y = y.Select(v => v * scale).ToArray();

            if (s.Noisy && x.Length > SmoothAbove)
            {
                int window = Math.Max(5, x.Length / 40) | 1;
                var raw = Add(plot, x, y, s.Color.WithAlpha(0.25), 1);
                raw.LegendText = "";
                var smooth = Add(plot, x, MovingAverage(y, window), s.Color, 2);
                smooth.LegendText = $"{s.Label} (mean of {window} {xLabel}s)";
            }
            else
            {
                var line = Add(plot, x, y, s.Color, 2);
                line.LegendText = s.Label;
                if (x.Length < MarkersBelow) line.MarkerSize = 6;
            }
        }

        plot.Title(panel.Title, 15);
        plot.XLabel(xLabel, 13);
        plot.YLabel(panel.Accuracy ? (scale == 100 ? "accuracy (%)" : "accuracy") : panel.YLabel, 13);
        // A legend is needed to tell series apart or to say what the faint raw line under a moving average is.
        if (panel.Series.Count(s => log.Has(s.Key)) > 1 || panel.Series.Any(s => s.Noisy && log.Series(s.Key).X.Length > SmoothAbove))
            plot.ShowLegend(panel.LegendAt);
        else
            plot.HideLegend();
        return plot;
    }

    private static ScottPlot.Plottables.Scatter Add(Plot plot, double[] x, double[] y, Color color, float width)
    {
        var idx = ReportStyle.Thin(x.Length, MaxPlottedPoints);
        var line = plot.Add.ScatterLine(idx.Select(i => x[i]).ToArray(), idx.Select(i => y[i]).ToArray(), color);
        line.LineWidth = width;
        line.MarkerSize = 0;
        return line;
    }

    /// <summary>Centred moving average; the window shrinks at the ends instead of padding, so the curve spans the whole run.</summary>
    public static double[] MovingAverage(double[] y, int window)
    {
        var prefix = new double[y.Length + 1];
        for (int i = 0; i < y.Length; i++) prefix[i + 1] = prefix[i] + y[i];
        int half = window / 2;
        var result = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int lo = Math.Max(0, i - half), hi = Math.Min(y.Length, i + half + 1);
            result[i] = (prefix[hi] - prefix[lo]) / (hi - lo);
        }
        return result;
    }
}
