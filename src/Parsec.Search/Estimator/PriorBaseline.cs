namespace Parsec.Search.Estimator;

/// <summary>What the prior's score-function gradient subtracts from the importance weights.</summary>
public enum PriorBaseline
{
    /// <summary>
    /// sum_k omega_k (onehot(alpha_k) - pi): the paper's estimator. When the omega are close to 1/K its
    /// expectation is small but its noise, (1/K) sum_k onehot(alpha_k) - pi, is not: pi random-walks.
    /// </summary>
    None,
    /// <summary>
    /// sum_k (omega_k - 1/K) onehot(alpha_k): the same estimator with the constant baseline 1/K subtracted
    /// (the score has expectation zero under pi, so the limit is unchanged); the sampling noise cancels, and
    /// a sample moves pi only by how much its likelihood differs from the others'.
    /// </summary>
    Mean,
}
