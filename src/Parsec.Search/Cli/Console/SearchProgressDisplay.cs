using System.Diagnostics;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// Shows a search's progress: a Spectre progress bar with iteration rate, time left and the latest
/// metrics on a terminal, or a plain line every few seconds (and at the end) when output is a log.
/// </summary>
internal static class SearchProgressDisplay
{
    public static SearchResult Run(string title, Func<ISearchProgress, SearchResult> search)
    {
        if (OutputStyles.Detect() == OutputStyle.Plain) return search(new PlainLines(title, TimeSpan.FromSeconds(10)));
        int width = AnsiConsole.Profile.Width;
        // The bar redraws its lines in place; run.log gets the plain lines a log file would instead.
        using var transcriptPaused = RunTranscript.Pause();
        var transcript = new PlainLines(title, TimeSpan.FromSeconds(10), RunTranscript.Line);
        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(ColumnsFor(width))
            .Start(context => search(new Both(new Bar(context.AddTask(Markup.Escape(title)), title, Compact(width)), transcript)));
    }

    /// <summary>Below this many columns the line keeps the description, percentage and time left, and the description is short.</summary>
    public const int CompactWidth = 120;

    public static bool Compact(int width) => width < CompactWidth;

    /// <summary>
    /// The progress line's columns for a terminal <paramref name="width"/> wide: every column on a wide terminal; on a
    /// narrow one (80 columns) only what fits readably, so that percent, rate and time are not squeezed into
    /// one-character strips.
    /// </summary>
    public static ProgressColumn[] ColumnsFor(int width) => Compact(width)
        ? [new TaskDescriptionColumn { Alignment = Justify.Left }, new PercentageColumn(), new RemainingTimeColumn()]
        : [new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn()];

    public static string Summary(IterationMetrics m, bool compact = false) => compact
        ? (m.ValAccuracy is double v ? $"val {100 * v:0.0}% H {m.PiEntropy:0.0}" : $"warm-up, train {100 * m.TrainAccuracy:0}%")
        : $"train loss {m.TrainLoss:0.000} acc {100 * m.TrainAccuracy:0.0}% · " +
          (m.ValAccuracy is double val ? $"val acc {100 * val:0.0}% · ESS {m.ValEffectiveSamples:0.0} · H(pi) {m.PiEntropy:0.00}" : "warm-up (pi frozen)");

    /// <summary>Iterations per second.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed:0.00} it/s" : "-- it/s", new Style(Color.Grey));
    }

    private sealed class Bar(ProgressTask task, string title, bool compact) : ISearchProgress
    {
        public void Started(int completedIterations, int totalIterations, int warmupIterations)
        {
            task.MaxValue = totalIterations;
            task.Value = completedIterations;
        }

        public void IterationCompleted(IterationMetrics metrics, int totalIterations)
        {
            task.Value = metrics.Iteration;
            task.Description = Markup.Escape($"{title} · {Summary(metrics, compact)}");
        }

        public void Warn(string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}");
    }

    private sealed class Both(ISearchProgress first, ISearchProgress second) : ISearchProgress
    {
        public void Started(int completedIterations, int totalIterations, int warmupIterations)
        {
            first.Started(completedIterations, totalIterations, warmupIterations);
            second.Started(completedIterations, totalIterations, warmupIterations);
        }

        public void IterationCompleted(IterationMetrics metrics, int totalIterations)
        {
            first.IterationCompleted(metrics, totalIterations);
            second.IterationCompleted(metrics, totalIterations);
        }

        public void Warn(string message)
        {
            first.Warn(message);
            second.Warn(message);
        }
    }

    /// <summary>A line every <paramref name="interval"/> and at the end, to <paramref name="write"/> (standard output by default).</summary>
    private sealed class PlainLines(string title, TimeSpan interval, Action<string>? write = null) : ISearchProgress
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _lastPrint;
        private int _firstIteration;

        public void Started(int completedIterations, int totalIterations, int warmupIterations)
        {
            _firstIteration = completedIterations;
            _clock.Restart();
            Write($"{title}: {ISearchProgress.StartLine(completedIterations, totalIterations, warmupIterations)}");
        }

        public void IterationCompleted(IterationMetrics metrics, int totalIterations)
        {
            var now = _clock.Elapsed;
            if (now - _lastPrint < interval && metrics.Iteration < totalIterations) return;
            _lastPrint = now;
            double rate = (metrics.Iteration - _firstIteration) / Math.Max(now.TotalSeconds, 1e-9);
            var left = TimeSpan.FromSeconds((totalIterations - metrics.Iteration) / Math.Max(rate, 1e-9));
            Write(
                $"{title}: iteration {metrics.Iteration}/{totalIterations} ({100.0 * metrics.Iteration / totalIterations:0}%) · {rate:0.00} it/s · {left:hh\\:mm\\:ss} left · {Summary(metrics)}");
        }

        public void Warn(string message) => Write($"{title}: warning: {message}");

        private void Write(string line) => (write ?? System.Console.WriteLine)(line);
    }
}
