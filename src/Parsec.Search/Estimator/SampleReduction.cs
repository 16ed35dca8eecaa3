using Parsec.Autodiff;

namespace Parsec.Search.Estimator;

/// <summary>
/// Combines what the samples of one pass left in their <see cref="DeferredUpdates"/> into the shared state, in
/// sample order k = 0..K-1, once every sample's log-likelihood is known: the weight gradient
/// grad = sum_k omega_k g_k (<see cref="ReduceGradients"/>, one <see cref="IBackend.WeightedSum"/> per weight) and the
/// batch-norm running statistics (<see cref="ApplyRunningStatistics"/>). The order is fixed, so the result does not
/// depend on which worker ran which sample.
/// <para>
/// This class is the one place a multi-GPU search changes (docs/scaling.md). There each rank holds the updates
/// of its own samples and: all-gathers the samples' log-likelihoods before <see cref="Weights"/> (every rank then
/// computes the same omega; the validation pass's log-likelihoods, which fit pi, travel the same way); sums its
/// own samples in <see cref="ReduceGradients"/> and all-reduces the weights' gradients after it (NCCL); and
/// all-gathers the samples' batch statistics before folding them in with <see cref="ApplyRunningStatistics"/>.
/// </para>
/// </summary>
internal sealed class SampleReduction(IReadOnlyList<Tensor> weights)
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
    /// holds sample k's gradients g_k (of the weights it used; the others count as zero), <paramref name="logLikelihoods"/>[k]
    /// its scaled log-likelihood.
    /// </summary>
    public double[] ReduceGradients(IReadOnlyList<DeferredUpdates> samples, IReadOnlyList<double> logLikelihoods, WeightGradient mode)
    {
        if (samples.Count != logLikelihoods.Count)
            throw new ArgumentException($"need one log-likelihood per sample, got {samples.Count} samples and {logLikelihoods.Count} values");
        var omega = Weights(logLikelihoods, mode);
        var sources = new List<Storage>(samples.Count);
        var coefficients = new List<double>(samples.Count);
        var unused = new List<Storage>(); // weights no sample used: zeroed together in one multi-tensor call
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
                unused.Add(grad.Storage);
                continue;
            }
            WeightedSum(grad, sources, coefficients, beta: 0);
        }
        if (unused.Count > 0) unused[0].Backend.FillMany(new FillManyArgs(unused, 0));
        return omega;
    }

    /// <summary>
    /// Folds every sample's batch statistics into the running statistics, sample after sample, as a sequential pass
    /// would: r_J = (1 - m) ... r_0 + ... written out for each running buffer as one weighted sum,
    /// r = beta r + sum_j w_j s_j with beta = prod_j (1 - m_j) and w_j = m_j prod_{i > j} (1 - m_i) over its
    /// updates j in sample order (one backend call per buffer instead of two per update).
    /// </summary>
    public static void ApplyRunningStatistics(IEnumerable<DeferredUpdates> samples)
    {
        var updates = new Dictionary<Tensor, List<BatchStatistics>>(ReferenceEqualityComparer.Instance);
        var buffers = new List<Tensor>();
        foreach (var sample in samples)
            foreach (var s in sample.Statistics)
            {
                if (!updates.TryGetValue(s.Running, out var list))
                {
                    updates.Add(s.Running, list = []);
                    buffers.Add(s.Running);
                }
                list.Add(s);
            }
        foreach (var running in buffers)
        {
            var list = updates[running];
            var coefficients = new double[list.Count];
            double keep = 1; // prod over the later updates of (1 - m)
            for (int j = list.Count - 1; j >= 0; j--)
            {
                coefficients[j] = list[j].Momentum * keep;
                keep *= 1 - list[j].Momentum;
            }
            WeightedSum(running, list.Select(s => s.Batch.Storage).ToList(), coefficients, beta: keep);
        }
    }

    /// <summary>y = beta y + sum_i w_i x_i over any number of sources, in order, in calls of at most <see cref="WeightedSumArgs.MaxSources"/>.</summary>
    private static void WeightedSum(Tensor y, List<Storage> sources, IReadOnlyList<double> weights, double beta)
    {
        for (int start = 0; start < sources.Count; start += WeightedSumArgs.MaxSources)
        {
            int n = Math.Min(WeightedSumArgs.MaxSources, sources.Count - start);
            y.Backend.WeightedSum(new WeightedSumArgs(sources.GetRange(start, n), weights.Skip(start).Take(n).ToList(), y.Storage, start == 0 ? beta : 1));
        }
    }
}
