using System.Text.Json.Nodes;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>
/// Step sizes a resumed search may change (--lr, --prior-lr, --grad-clip): the remedy nan_report.txt advises
/// for a run that diverged. Everything else a run depends on stays as options.json has it, so that the same
/// data and random streams continue. A change is saved in options.json (so a later resume keeps it), appended to
/// options_history.jsonl, and tagged on each metrics.jsonl line this invocation writes.
/// </summary>
public sealed record StepSizeOverrides(double? LearningRate = null, double? PriorLearningRate = null, double? GradientClip = null)
{
    public const string MetricsKey = "resumed_with";

    public bool IsEmpty => LearningRate is null && PriorLearningRate is null && GradientClip is null;

    public SearchOptions ApplyTo(SearchOptions options)
    {
        var changed = options with
        {
            WeightLearningRate = LearningRate ?? options.WeightLearningRate,
            PriorLearningRate = PriorLearningRate ?? options.PriorLearningRate,
            GradientClip = GradientClip ?? options.GradientClip,
        };
        changed.Validate();
        return changed;
    }

    /// <summary>The overridden values by flag, as options_history.jsonl and metrics.jsonl record them.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject();
        if (LearningRate is { } lr) json["lr"] = lr;
        if (PriorLearningRate is { } prior) json["prior_lr"] = prior;
        if (GradientClip is { } clip) json["grad_clip"] = clip;
        return json;
    }

    /// <summary>Marks a metrics line as written under these overrides (a no-op when there are none).</summary>
    public void Tag(JsonObject metricsLine)
    {
        if (!IsEmpty) metricsLine[MetricsKey] = ToJson();
    }
}

/// <summary>options_history.jsonl: one line per change of a run's options after it started, with the iteration it took effect after.</summary>
internal static class OptionsHistory
{
    public const string FileName = "options_history.jsonl";

    public static void Append(RunFolder run, int iteration, SearchOptions before, StepSizeOverrides overrides)
    {
        var line = new JsonObject
        {
            ["iteration"] = iteration,
            ["time"] = DateTime.UtcNow.ToString("O"),
            ["before"] = new JsonObject
            {
                ["lr"] = before.WeightLearningRate, ["prior_lr"] = before.PriorLearningRate, ["grad_clip"] = before.GradientClip,
            },
            ["changed"] = overrides.ToJson(),
        };
        using var log = new JsonLinesLog(run.File(FileName));
        log.Append(line);
    }
}
