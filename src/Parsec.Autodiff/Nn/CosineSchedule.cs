namespace Parsec.Autodiff;

/// <summary>
/// PyTorch's CosineAnnealingLR in closed form: lr(t) = min + (base - min) (1 + cos(pi t / T)) / 2.
/// Closed form rather than PyTorch's recursive update, so a resumed run gets the same rate from t alone.
/// </summary>
public sealed class CosineSchedule(double baseLearningRate, int period, double minimumLearningRate = 0)
{
    public double BaseLearningRate { get; } = baseLearningRate;
    /// <summary>T: the number of epochs (or steps) from the base rate down to the minimum.</summary>
    public int Period { get; } = period >= 1 ? period : throw new ArgumentOutOfRangeException(nameof(period), period, "the annealing period must be at least 1");
    public double MinimumLearningRate { get; } = minimumLearningRate;

    public double LearningRate(int t) =>
        MinimumLearningRate + (BaseLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * t / Period)) / 2;
}
