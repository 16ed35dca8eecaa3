using System.Text.Json.Nodes;
using Parsec.Search.Reports;

namespace Parsec.Search.Loop;

/// <summary>
/// What one iteration measured; one line of metrics.jsonl. Losses and accuracies are means over the K
/// sampled architectures (on the weight half's batch before the update, and on the pi half's batch after it).
/// Warm-up iterations do not evaluate the pi half: their validation fields are null.
/// </summary>
public sealed record IterationMetrics
{
    public required int Iteration { get; init; }
    public required int Epoch { get; init; }
    /// <summary>A warm-up iteration: uniform samples, equal weights, pi frozen.</summary>
    public required bool Warmup { get; init; }
    public required double LearningRate { get; init; }
    public required double TrainLoss { get; init; }
    public required double TrainAccuracy { get; init; }
    public required double? ValLoss { get; init; }
    public required double? ValAccuracy { get; init; }
    /// <summary>Entropy (nats) of the importance weights of the weight gradient; log K when every sample counts equally.</summary>
    public required double WeightEntropy { get; init; }
    /// <summary>Entropy of the importance weights of the pi gradient.</summary>
    public required double? ValWeightEntropy { get; init; }
    /// <summary>Kish's effective sample size of the pi gradient's importance weights: K when all count equally, 1 when one takes all.</summary>
    public required double? ValEffectiveSamples { get; init; }
    /// <summary>The pi gradient's importance weights, one per sample: what the noise estimate of pi replays (<see cref="DecisionNoise"/>).</summary>
    public required double[]? ValOmega { get; init; }
    public required double PiEntropy { get; init; }
    /// <summary>Global norm of the weight gradient before clipping.</summary>
    public required double GradientNorm { get; init; }
    /// <summary>Training examples per second, each counted once per sampled architecture (K * B / step time).</summary>
    public required double SamplesPerSecond { get; init; }
    public required double StepMilliseconds { get; init; }
    /// <summary>Peak bytes the backend has held since the run started, in MiB.</summary>
    public required double MemoryMib { get; init; }
    /// <summary>E[cost] under pi after this iteration's step, when the search has a cost (<see cref="SearchOptions.Cost"/>).</summary>
    public double? ExpectedCost { get; init; }
    /// <summary>With --commit decided: how many of pi's choices are fixed so far.</summary>
    public int? CommittedChoices { get; init; }
    /// <summary>The constraint's multiplier after this iteration, when the search has a cost target.</summary>
    public double? CostMultiplier { get; init; }

    public JsonObject ToJson() => new()
    {
        [MetricsFile.Iteration] = Iteration,
        [MetricsFile.Epoch] = Epoch,
        [MetricsFile.Warmup] = Warmup,
        [MetricsFile.LearningRate] = LearningRate,
        [MetricsFile.TrainLoss] = TrainLoss,
        [MetricsFile.TrainAcc] = TrainAccuracy,
        [MetricsFile.ValLoss] = ValLoss,
        [MetricsFile.ValAcc] = ValAccuracy,
        [MetricsFile.WeightEntropy] = WeightEntropy,
        ["val_weight_entropy"] = ValWeightEntropy,
        [MetricsFile.ValEffectiveSamples] = ValEffectiveSamples,
        [MetricsFile.ValOmega] = ValOmega is null ? null : new JsonArray(ValOmega.Select(w => (JsonNode)Math.Round(w, 9)!).ToArray()),
        [MetricsFile.PiEntropy] = PiEntropy,
        ["grad_norm"] = GradientNorm,
        [MetricsFile.SamplesPerSecond] = SamplesPerSecond,
        [MetricsFile.StepMs] = StepMilliseconds,
        [MetricsFile.MemoryMib] = MemoryMib,
        ["expected_cost"] = ExpectedCost,
        ["committed_choices"] = CommittedChoices,
        ["cost_multiplier"] = CostMultiplier,
    };
}
