namespace Parsec.Autodiff;

/// <summary>
/// PyTorch's CosineAnnealingLR in closed form: lr(t) = min + (base - min) (1 + cos(pi t / T)) / 2.
/// Closed form rather than PyTorch's recursive update, so a resumed run gets the same rate from t alone.
/// </summary>
public sealed class CosineSchedule
{
    public CosineSchedule(double baseLearningRate, int period, double minimumLearningRate = 0)
    {
        if (period < 1) throw new ArgumentOutOfRangeException(nameof(period), period, "the annealing period must be at least 1");
        BaseLearningRate = baseLearningRate;
        Period = period;
        MinimumLearningRate = minimumLearningRate;
    }

    public double BaseLearningRate { get; }
    /// <summary>T: the number of epochs (or steps) from the base rate down to the minimum.</summary>
    public int Period { get; }
    public double MinimumLearningRate { get; }

    public double LearningRate(int t) =>
        MinimumLearningRate + (BaseLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * t / Period)) / 2;
}
