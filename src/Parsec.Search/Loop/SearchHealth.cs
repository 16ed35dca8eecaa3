using System.Text.Json.Nodes;
using Parsec.Search.Data;

namespace Parsec.Search.Loop;

/// <summary>How many images of each class the weights' part and pi's part of a search's training set hold.</summary>
internal sealed record SplitClasses(IReadOnlyList<string> ClassNames, int[] Weights, int[] Pi)
{
    public static SplitClasses Of(InMemoryDataset weights, InMemoryDataset pi) => new(
        weights.ClassNames,
        StratifiedSampling.Histogram(weights.AllLabels, weights.Classes),
        StratifiedSampling.Histogram(pi.AllLabels, pi.Classes));

    /// <summary>options.json's record of the split: {"classes": [...], "weights": [...], "pi": [...]}.</summary>
    public JsonObject ToJson() => new()
    {
        ["classes"] = new JsonArray(ClassNames.Select(n => (JsonNode)n).ToArray()),
        ["weights"] = new JsonArray(Weights.Select(n => (JsonNode)n).ToArray()),
        ["pi"] = new JsonArray(Pi.Select(n => (JsonNode)n).ToArray()),
    };

    /// <summary>A warning naming the classes one part lacks, or null when both parts hold every class.</summary>
    public string? MissingClassesWarning()
    {
        string Missing(int[] counts) => string.Join(", ", Enumerable.Range(0, counts.Length).Where(c => counts[c] == 0).Select(c => ClassNames[c]));
        var parts = new List<string>();
        if (Weights.Any(n => n == 0)) parts.Add($"the weights' part has no image of class {Missing(Weights)}");
        if (Pi.Any(n => n == 0)) parts.Add($"pi's part has no image of class {Missing(Pi)}");
        return parts.Count == 0 ? null
            : $"{string.Join(" and ", parts)}: pi is then fitted to classes the weights were not trained on (or never judged on them); use more images or another --split-seed";
    }
}

/// <summary>
/// Watches a running search for the sign of weights and pi fitted on different problems: pi's validation accuracy
/// stays near chance while the weights' training accuracy climbs. That happened when an image folder stored class by
/// class was split in stored order, and nothing said so. Warns once per run.
/// </summary>
internal sealed class SearchHealth(int classes)
{
    /// <summary>Iterations of the pi phase averaged before judging: one batch of 32 is noisy.</summary>
    public const int Window = 20;

    private readonly Queue<(double Train, double Validation)> _recent = new();
    private bool _warned;

    private double Chance => 1.0 / classes;

    /// <summary>A warning the first time the last <see cref="Window"/> pi-phase iterations show the pattern; null otherwise.</summary>
    public string? Observe(IterationMetrics metrics)
    {
        if (_warned || metrics.ValAccuracy is not double validation) return null;
        _recent.Enqueue((metrics.TrainAccuracy, validation));
        if (_recent.Count > Window) _recent.Dequeue();
        if (_recent.Count < Window) return null;
        double train = _recent.Average(r => r.Train), val = _recent.Average(r => r.Validation);
        // Near chance: within a tenth of the way from chance to perfect; climbing: past half of that way.
        if (val > Chance + 0.1 * (1 - Chance) || train < Chance + 0.5 * (1 - Chance)) return null;
        _warned = true;
        return $"over the last {Window} iterations pi's validation accuracy is {100 * val:0.0} % (chance {100 * Chance:0.0} %) while the training accuracy is {100 * train:0.0} %: " +
               "the two parts of the training set look like different problems (different classes or distributions), and pi is being fitted to what the weights never learned";
    }
}
