using Parsec.Search.Prior;

namespace Parsec.Search.Estimator;

/// <summary>
/// The importance-weighted score-function estimate of the gradient of log p(y | X, w, pi) with respect to the
/// prior's logits: sum_k omega_k d log p(alpha_k | theta) / d theta, with omega the softmax over the K
/// samples' validation log-likelihoods. (It estimates sum_alpha p(alpha | y) d log p(alpha | theta): the
/// posterior expectation of the score; self-normalised, so biased by O(1/K).)
/// </summary>
public static class PriorGradient
{
    /// <param name="samples">The K choice vectors (in <paramref name="distribution"/>'s block order).</param>
    /// <param name="logLikelihoods">Their (scaled) log-likelihoods on the validation batch.</param>
    public static double[] Estimate(CategoricalSet distribution, IReadOnlyList<int[]> samples, IReadOnlyList<double> logLikelihoods)
    {
        if (samples.Count == 0 || samples.Count != logLikelihoods.Count)
            throw new ArgumentException($"need one log-likelihood per sample, got {samples.Count} samples and {logLikelihoods.Count} values");
        var omega = ImportanceWeights.Normalize(logLikelihoods);
        var gradient = new double[distribution.Logits.Length];
        for (int k = 0; k < samples.Count; k++) distribution.AddScore(samples[k], omega[k], gradient);
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
