namespace Parsec.Search.Estimator;

/// <summary>How the K sampled architectures of an iteration weight the shared weights' gradient.</summary>
public enum WeightGradient
{
    /// <summary>
    /// sum_k omega_k g_k with omega the importance weights of the training batch, as the paper derives it. With
    /// batch-sum likelihoods omega is nearly one-hot, so only the best sample's ops are trained.
    /// </summary>
    Importance,
    /// <summary>(1/K) sum_k g_k: every sampled op is trained (single-path training as in SPOS and FairNAS); pi is still fitted with importance weights on the other half.</summary>
    Equal,
}
