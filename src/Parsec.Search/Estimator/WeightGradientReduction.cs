using Parsec.Autodiff;

namespace Parsec.Search.Estimator;

/// <summary>
/// The weight gradient of one iteration from its samples' own gradients: once every sample's log-likelihood is
/// known, omega (importance weights, or 1/K each) and then, for each weight, grad = sum_k omega_k g_k in sample
/// order k = 0..K-1 (one <see cref="IBackend.WeightedSum"/> per weight). Each sample's gradients come from its
/// <see cref="DeferredUpdates"/>, holding only the weights it used; a weight no sample used gets a zero gradient.
/// The order of the sum is fixed, so the result does not depend on which worker ran which sample.
/// <para>
/// This class is the one place a multi-GPU search changes (docs/scaling.md): there each rank holds the
/// updates of its own samples, all-gathers the K log-likelihoods before <see cref="Weights"/> (so every rank
/// computes the same omega), sums its own samples here, and all-reduces the weights' gradients with NCCL after.
/// </para>
/// </summary>
public sealed class WeightGradientReduction(IReadOnlyList<Tensor> weights)
{
    /// <summary>omega over the samples: softmax of their (scaled) log-likelihoods, or 1/K each with <see cref="WeightGradient.Equal"/>.</summary>
    public static double[] Weights(IReadOnlyList<double> logLikelihoods, WeightGradient mode)
    {
        if (logLikelihoods.Count == 0) throw new ArgumentException("no sample to weight");
        foreach (double l in logLikelihoods)
            if (!double.IsFinite(l)) throw new ArgumentException($"sample log-likelihood {l} is not finite");
        return mode == WeightGradient.Equal
            ? Enumerable.Repeat(1.0 / logLikelihoods.Count, logLikelihoods.Count).ToArray()
            : ImportanceWeights.Normalize(logLikelihoods);
    }

    /// <summary>
    /// Writes sum_k omega_k g_k into every weight's gradient buffer and returns omega. <paramref name="samples"/>[k]
    /// holds sample k's gradients; <paramref name="logLikelihoods"/>[k] its scaled log-likelihood.
    /// </summary>
    public double[] Reduce(IReadOnlyList<DeferredUpdates> samples, IReadOnlyList<double> logLikelihoods, WeightGradient mode)
    {
        if (samples.Count != logLikelihoods.Count)
            throw new ArgumentException($"need one log-likelihood per sample, got {samples.Count} samples and {logLikelihoods.Count} values");
        var omega = Weights(logLikelihoods, mode);
        var sources = new List<Storage>(samples.Count);
        var coefficients = new List<double>(samples.Count);
        foreach (var w in weights)
        {
            var grad = w.Grad ?? throw new InvalidOperationException($"{w.Name} has no gradient buffer");
            sources.Clear();
            coefficients.Clear();
            for (int k = 0; k < samples.Count; k++)
            {
                // A weight of exactly 0 adds nothing: skipping it also keeps a non-finite gradient of an irrelevant sample out.
                if (omega[k] == 0 || samples[k].GradientOf(w) is not { } g) continue;
                sources.Add(g.Storage);
                coefficients.Add(omega[k]);
            }
            if (sources.Count == 0)
            {
                w.Backend.Fill(grad.Storage, 0);
                continue;
            }
            for (int start = 0; start < sources.Count; start += WeightedSumArgs.MaxSources)
            {
                int n = Math.Min(WeightedSumArgs.MaxSources, sources.Count - start);
                w.Backend.WeightedSum(new WeightedSumArgs(sources.GetRange(start, n), coefficients.GetRange(start, n), grad.Storage, accumulate: start > 0));
            }
        }
        return omega;
    }
}
