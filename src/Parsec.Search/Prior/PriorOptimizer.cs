using Parsec.Autodiff;

namespace Parsec.Search.Prior;

/// <summary>Adam's settings for the prior's logits (DARTS' architecture optimiser: lr 3e-4, betas (0.5, 0.999), weight decay 1e-3).</summary>
public sealed record PriorOptimizerOptions(double LearningRate = 3e-4, double Beta1 = 0.5, double Beta2 = 0.999, double WeightDecay = 1e-3);

/// <summary>
/// Steps the prior's logits theta with Adam to ascend the log marginal likelihood. theta is 168 numbers, so
/// the step is plain double-precision code on the host: torch.optim.Adam's update (L2 weight decay added to
/// the gradient, bias-corrected moments), the same arithmetic as the engine's Adam, whose state format
/// (<see cref="OptimizerState"/>, "adam", exp_avg and exp_avg_sq of "prior.logits") checkpoints keep. The
/// weight decay pulls theta towards zero, i.e. pi towards uniform.
/// </summary>
public sealed class PriorOptimizer
{
    private const string Algorithm = "adam";
    private const double Epsilon = 1e-8;
    private static readonly string FirstMomentKey = OptimizerState.Key("prior.logits", "exp_avg");
    private static readonly string SecondMomentKey = OptimizerState.Key("prior.logits", "exp_avg_sq");

    private readonly ArchitecturePrior _prior;
    private double[]? _firstMoment;  // (logits), created at the first step
    private double[]? _secondMoment; // (logits)
    private int _step;

    public PriorOptimizer(ArchitecturePrior prior, PriorOptimizerOptions options)
    {
        _prior = prior;
        Options = options;
    }

    public PriorOptimizerOptions Options { get; }

    /// <summary>One Adam step along <paramref name="ascentDirection"/> (the estimated gradient of log p(y | pi), which is maximised).</summary>
    public void Step(double[] ascentDirection)
    {
        var theta = _prior.Logits;
        if (ascentDirection.Length != theta.Length)
            throw new ArgumentException($"the prior has {theta.Length} logits, the gradient {ascentDirection.Length} entries");
        _firstMoment ??= new double[theta.Length];
        _secondMoment ??= new double[theta.Length];
        _step++;
        var (b1, b2, wd) = (Options.Beta1, Options.Beta2, Options.WeightDecay);
        double stepSize = Options.LearningRate / (1 - Math.Pow(b1, _step));
        double correction2Sqrt = Math.Sqrt(1 - Math.Pow(b2, _step));
        for (int i = 0; i < theta.Length; i++)
        {
            // Adam minimises: the gradient of the negated objective.
            double g = -ascentDirection[i];
            if (wd != 0) g += wd * theta[i];
            _firstMoment[i] = b1 * _firstMoment[i] + (1 - b1) * g;
            _secondMoment[i] = b2 * _secondMoment[i] + (1 - b2) * g * g;
            theta[i] -= stepSize * (_firstMoment[i] / (Math.Sqrt(_secondMoment[i]) / correction2Sqrt + Epsilon));
        }
    }

    public OptimizerState ExportState()
    {
        var buffers = new Dictionary<string, double[]>();
        if (_firstMoment is not null) buffers[FirstMomentKey] = (double[])_firstMoment.Clone();
        if (_secondMoment is not null) buffers[SecondMomentKey] = (double[])_secondMoment.Clone();
        return new OptimizerState { Algorithm = Algorithm, Step = _step, Buffers = buffers };
    }

    /// <summary>Replaces the state with a saved one; a moment the state lacks starts again from zero.</summary>
    public void ImportState(OptimizerState state)
    {
        if (state.Algorithm != Algorithm)
            throw new ArgumentException($"optimizer state was saved by '{state.Algorithm}', the prior's optimizer is '{Algorithm}'");
        if (state.Step < 0) throw new ArgumentException($"optimizer state has a negative step count {state.Step}");
        foreach (var (key, values) in state.Buffers)
        {
            if (key != FirstMomentKey && key != SecondMomentKey)
                throw new ArgumentException($"optimizer state has '{key}', which is not a moment of the prior's logits");
            if (values.Length != _prior.Logits.Length)
                throw new ArgumentException($"optimizer state '{key}' has {values.Length} values, the prior has {_prior.Logits.Length} logits");
        }
        _step = state.Step;
        _firstMoment = state.Buffers.TryGetValue(FirstMomentKey, out var m) ? (double[])m.Clone() : null;
        _secondMoment = state.Buffers.TryGetValue(SecondMomentKey, out var v) ? (double[])v.Clone() : null;
    }
}
