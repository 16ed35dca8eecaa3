using Parsec.Autodiff;

namespace Parsec.Search.Prior;

/// <summary>Adam's settings for the prior's logits (DARTS' architecture optimiser: lr 3e-4, betas (0.5, 0.999), weight decay 1e-3).</summary>
internal sealed record PriorOptimizerOptions(double LearningRate = 3e-4, double Beta1 = 0.5, double Beta2 = 0.999, double WeightDecay = 1e-3);

/// <summary>
/// Steps architecture logits with Adam to ascend an objective: the prior's theta (PARSEC's log marginal likelihood)
/// or DARTS' mixing logits alpha (the negated validation loss). They are a few hundred numbers, so the step is plain
/// double-precision code on the host: torch.optim.Adam's update (L2 weight decay added to the gradient,
/// bias-corrected moments), the same arithmetic as the engine's Adam, whose state format
/// (<see cref="OptimizerState"/>, "adam", exp_avg and exp_avg_sq of the logits' name) checkpoints keep. The weight
/// decay pulls the logits towards zero, i.e. towards uniform.
/// </summary>
internal sealed class PriorOptimizer
{
    private const string Algorithm = "adam";
    private const double Epsilon = 1e-8;
    private readonly string _firstMomentKey;
    private readonly string _secondMomentKey;

    private readonly double[] _logits;
    private double[]? _firstMoment;  // (logits), created at the first step
    private double[]? _secondMoment; // (logits)
    private bool[]? _frozen;         // (logits): left alone by every step, moments included
    private int _step;

    public PriorOptimizer(ArchitecturePrior prior, PriorOptimizerOptions options) : this(prior.Logits, options, "prior.logits") { }

    /// <param name="logits">Stepped in place.</param>
    /// <param name="name">What the state's moments are keyed by ("prior.logits", "darts.alpha").</param>
    public PriorOptimizer(double[] logits, PriorOptimizerOptions options, string name)
    {
        _logits = logits;
        Options = options;
        _firstMomentKey = OptimizerState.Key(name, "exp_avg");
        _secondMomentKey = OptimizerState.Key(name, "exp_avg_sq");
    }

    public PriorOptimizerOptions Options { get; }

    /// <summary>
    /// Leaves logits [offset, offset + count) as they are from now on: no gradient, weight decay or moment moves them.
    /// Not part of <see cref="ExportState"/>: whoever froze them freezes them again after a resume.
    /// </summary>
    public void Freeze(int offset, int count)
    {
        if (offset < 0 || count < 0 || offset + count > _logits.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"logits [{offset}, {offset + count}) are not within the {_logits.Length} logits");
        _frozen ??= new bool[_logits.Length];
        Array.Fill(_frozen, true, offset, count);
    }

    /// <summary>One Adam step along <paramref name="ascentDirection"/> (the estimated gradient of log p(y | pi), which is maximised).</summary>
    public void Step(double[] ascentDirection)
    {
        var theta = _logits;
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
            if (_frozen is not null && _frozen[i]) continue;
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
        if (_firstMoment is not null) buffers[_firstMomentKey] = (double[])_firstMoment.Clone();
        if (_secondMoment is not null) buffers[_secondMomentKey] = (double[])_secondMoment.Clone();
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
            if (key != _firstMomentKey && key != _secondMomentKey)
                throw new ArgumentException($"optimizer state has '{key}', which is not a moment of these logits ({_firstMomentKey}, {_secondMomentKey})");
            if (values.Length != _logits.Length)
                throw new ArgumentException($"optimizer state '{key}' has {values.Length} values, the logits are {_logits.Length}");
        }
        _step = state.Step;
        _firstMoment = state.Buffers.TryGetValue(_firstMomentKey, out var m) ? (double[])m.Clone() : null;
        _secondMoment = state.Buffers.TryGetValue(_secondMomentKey, out var v) ? (double[])v.Clone() : null;
    }
}
