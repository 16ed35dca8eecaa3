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
    /// <summary>
    /// Every other of the --weight-samples is drawn uniformly (the 2nd, 4th, ...), the rest are pi's first samples. pi's
    /// favourites are still trained more, but an op pi has turned away from keeps being trained too, so an early lead of
    /// the parameter-free ops (whose rivals' weights are still young) cannot starve the convolutions of training.
    /// </summary>
    Mixed,
}

public static class WeightSamplingRule
{
    /// <summary>Whether weight sample <paramref name="k"/> (0-based) is drawn uniformly after the warm-up rather than taken from pi's samples.</summary>
    public static bool DrawsUniformly(this WeightSampling sampling, int k) =>
        sampling == WeightSampling.Uniform || (sampling == WeightSampling.Mixed && k % 2 == 1);
}
