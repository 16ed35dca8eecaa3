using System.Text.Json;

namespace Parsec.Search.Reports.Html;

/// <summary>
/// The views of a run folder that are remade from its files at each checkpoint and at the end: metrics.csv, the plots
/// of <see cref="RunReport"/> and report.html. They are views of files already written, so a failure to draw them
/// never fails the run: it is returned as a note instead.
/// </summary>
internal static class RunViews
{
    /// <summary>A search's views; <paramref name="totalIterations"/> from its options (null: not known).</summary>
    public static string RefreshSearch(string folder, int? totalIterations, bool finished) =>
        Refresh(folder, () => Html.RunPage.WriteSearch(folder, totalIterations, finished));

    /// <summary>A training's views; <paramref name="recordJson"/> is its record (options and data) for the page's options table.</summary>
    public static string RefreshTraining(string folder, int totalEpochs, string? recordJson) =>
        Refresh(folder, () => Html.RunPage.WriteTraining(folder, totalEpochs, recordJson));

    /// <summary>Draws a view; null when it was drawn, otherwise why not (the failures of drawing a view from files: unreadable or malformed files, a missing native library).</summary>
    public static string? Attempt(Action draw)
    {
        try
        {
            draw();
            return null;
        }
        catch (Exception e) when (IsDrawingFailure(e))
        {
            return $"report not drawn: {e.Message}";
        }
    }

    private static bool IsDrawingFailure(Exception e) =>
        e is BadInputException or IOException or InvalidOperationException or FormatException or UnauthorizedAccessException
            or TypeInitializationException or DllNotFoundException or JsonException or KeyNotFoundException;

    private static string Refresh(string folder, Action writePage)
    {
        string drawn = "";
        return Attempt(() => drawn = Draw(folder, writePage)) ?? drawn;
    }

    private static string Draw(string folder, Action writePage)
    {
        var files = new List<string>();
        string metrics = Path.Combine(folder, MetricsFile.FileName);
        if (File.Exists(metrics))
        {
            MetricsCsv.WriteBeside(metrics);
            files.Add(MetricsCsv.FileName);
        }
        var report = RunReport.WriteAll(folder);
        files.AddRange(report.Files.Select(f => Path.GetFileName(f)));
        writePage();
        files.Add(Html.RunPage.FileName);
        return $"report: {string.Join(", ", files)}" + (report.Notes.Count > 0 ? $" ({string.Join("; ", report.Notes)})" : "");
    }
}
