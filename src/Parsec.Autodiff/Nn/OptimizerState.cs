namespace Parsec.Autodiff;

/// <summary>
/// Everything an optimizer needs to resume exactly: its step count and its per-parameter buffers, keyed
/// "parameter name/slot" (e.g. "stem.conv/momentum", "cell0.w/exp_avg_sq"). Values are doubles so that
/// Float32 and Float64 state both round-trip without loss. A parameter with no entry has no state yet.
/// </summary>
public sealed class OptimizerState
{
    /// <summary>Which optimizer wrote it ("sgd", "adam"); importing into another kind is refused.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Completed steps (Adam's bias corrections depend on it).</summary>
    public int Step { get; init; }

    public Dictionary<string, double[]> Buffers { get; init; } = [];

    public static string Key(string parameterName, string slot) => $"{parameterName}/{slot}";
}
