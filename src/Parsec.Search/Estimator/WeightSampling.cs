namespace Parsec.Search.Estimator;

/// <summary>Which architectures train the shared weights after the warm-up.</summary>
public enum WeightSampling
{
    /// <summary>
    /// The first --weight-samples of the K architectures drawn from pi (the paper's single set of samples). As pi
    /// concentrates, the ops it favours are trained more often, so the shared weights judge them more kindly than
    /// the ops it has left: the estimate of a cell then leans towards pi's own choices.
    /// </summary>
    Pi,
    /// <summary>
    /// --weight-samples architectures drawn uniformly, as in the warm-up, for the whole search (single-path training
    /// as in SPOS); the K architectures drawn from pi only score the pi part. Every op keeps being trained equally
    /// often, so pi compares cells on weights that do not favour its earlier choices. Same passes, same cost.
    /// </summary>
    Uniform,
}
