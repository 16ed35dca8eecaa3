namespace Parsec.Search.Estimator;

/// <summary>
/// Self-normalised importance weights of K sampled architectures: omega_k = exp(l_k) / sum_j exp(l_j),
/// computed in log space (l_k are batch log-likelihoods, easily -100 or less).
/// </summary>
internal static class ImportanceWeights
{
    public static double LogSumExp(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("log-sum-exp of no values");
        double max = values.Max();
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        foreach (double v in values) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    /// <summary>omega = softmax(logLikelihoods).</summary>
    public static double[] Normalize(IReadOnlyList<double> logLikelihoods)
    {
        double lse = LogSumExp(logLikelihoods);
        if (!double.IsFinite(lse)) throw new ArgumentException($"importance weights need finite log-likelihoods; their log-sum-exp is {lse}");
        return logLikelihoods.Select(l => Math.Exp(l - lse)).ToArray();
    }

    /// <summary>Entropy of the weights in nats: log K when all samples count equally, 0 when one sample takes all.</summary>
    public static double Entropy(IReadOnlyList<double> omega)
    {
        double h = 0;
        foreach (double w in omega)
            if (w > 0) h -= w * Math.Log(w);
        return h;
    }

    /// <summary>Kish's effective sample size 1 / sum omega^2 (between 1 and K).</summary>
    public static double EffectiveSampleSize(IReadOnlyList<double> omega) => 1.0 / omega.Sum(w => w * w);
}
