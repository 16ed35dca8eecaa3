using Parsec.Search.Prior;

namespace Parsec.Search.Estimator;

/// <summary>
/// The importance-weighted score-function estimate of the gradient of log p(y | X, w, pi) with respect to the
/// prior's logits: sum_k omega_k d log p(alpha_k | theta) / d theta, with omega the softmax over the K
/// samples' validation log-likelihoods. (It estimates sum_alpha p(alpha | y) d log p(alpha | theta): the
/// posterior expectation of the score; self-normalised, so biased by O(1/K).)
/// </summary>
internal static class PriorGradient
{
    /// <param name="samples">The K choice vectors (in <paramref name="distribution"/>'s block order).</param>
    /// <param name="logLikelihoods">Their (scaled) log-likelihoods on the validation batch.</param>
    /// <param name="baseline">What is subtracted from omega (see <see cref="PriorBaseline"/>).</param>
    public static double[] Estimate(CategoricalSet distribution, IReadOnlyList<int[]> samples, IReadOnlyList<double> logLikelihoods,
        PriorBaseline baseline = PriorBaseline.None)
    {
        if (samples.Count == 0 || samples.Count != logLikelihoods.Count)
            throw new ArgumentException($"need one log-likelihood per sample, got {samples.Count} samples and {logLikelihoods.Count} values");
        return FromWeights(distribution, samples, ImportanceWeights.Normalize(logLikelihoods), baseline);
    }

    /// <summary>The estimate from the normalised importance weights <paramref name="omega"/> themselves.</summary>
    public static double[] FromWeights(CategoricalSet distribution, IReadOnlyList<int[]> samples, IReadOnlyList<double> omega, PriorBaseline baseline)
    {
        var gradient = new double[distribution.Logits.Length];
        if (baseline == PriorBaseline.None)
        {
            for (int k = 0; k < samples.Count; k++) distribution.AddScore(samples[k], omega[k], gradient);
            return gradient;
        }
        // sum_k (omega_k - 1/K) (onehot_k - p_k): for blocks whose probabilities p do not depend on the other
        // choices the p terms cancel, since the weights sum to zero; for distinct-input blocks they remain.
        double mean = 1.0 / samples.Count;
        for (int k = 0; k < samples.Count; k++) distribution.AddScore(samples[k], omega[k] - mean, gradient);
        return gradient;
    }

    /// <summary>The exact gradient of log sum_alpha exp(logLikelihood(alpha)) p(alpha | theta), by enumerating the space (tiny spaces only).</summary>
    public static double[] Exact(CategoricalSet distribution, Func<int[], double> logLikelihood)
    {
        var all = distribution.Enumerate().ToList();
        var logJoint = all.Select(a => logLikelihood(a.Choices) + Math.Log(a.Probability)).ToList();
        var posterior = ImportanceWeights.Normalize(logJoint);
        var gradient = new double[distribution.Logits.Length];
        for (int i = 0; i < all.Count; i++) distribution.AddScore(all[i].Choices, posterior[i], gradient);
        return gradient;
    }
}
