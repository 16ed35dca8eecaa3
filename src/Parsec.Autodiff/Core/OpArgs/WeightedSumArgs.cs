namespace Parsec.Autodiff;

/// <summary>
/// y = beta * y + sum_i weights[i] * sources[i], element by element: each element is summed in double, starting
/// from beta * y (or 0 when beta is 0: y is then not read), adding the sources in list order with a fused
/// multiply-add, then rounded to y's type once. The order and the arithmetic are part of the contract so that the result depends on nothing but the
/// inputs (not on threads, not on the backend). At most <see cref="MaxSources"/> sources per call, the size of
/// the table a CUDA launch takes by value; longer sums chain calls with beta 1.
/// </summary>
public sealed record WeightedSumArgs
{
    /// <summary>Sources one call takes (PARSEC_SUM_SLOTS in kernels/weighted_sum.cu).</summary>
    public const int MaxSources = 16;

    public WeightedSumArgs(IReadOnlyList<Storage> sources, IReadOnlyList<double> weights, Storage y, double beta)
    {
        var check = new OpCheck("WeightedSum");
        if (sources.Count == 0 || sources.Count > MaxSources)
            throw check.Error($"takes 1 to {MaxSources} sources, got {sources.Count}");
        if (weights.Count != sources.Count)
            throw check.Error($"needs one weight per source, got {weights.Count} weights for {sources.Count} sources");
        foreach (double w in weights.Append(beta))
            if (!double.IsFinite(w)) throw check.Error($"weights and beta must be finite, got {w}");
        check.SameLength(y, [.. sources]);
        foreach (var s in sources)
            if (ReferenceEquals(s, y)) throw check.Error("y cannot also be a source (weight it with beta instead)");
        (Sources, Weights, Y, Beta) = ([.. sources], [.. weights], y, beta);
    }

    public IReadOnlyList<Storage> Sources { get; }  // each n elements
    public IReadOnlyList<double> Weights { get; }   // one per source
    public Storage Y { get; }                       // n elements
    public double Beta { get; }
}
