using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Search.Prior;

/// <summary>Adam's settings for the prior's logits (DARTS' architecture optimiser: lr 3e-4, betas (0.5, 0.999), weight decay 1e-3).</summary>
public sealed record PriorOptimizerOptions(double LearningRate = 3e-4, double Beta1 = 0.5, double Beta2 = 0.999, double WeightDecay = 1e-3);

/// <summary>
/// Steps the prior's logits theta with Adam to ascend the log marginal likelihood. theta is 168 numbers, so
/// the step runs on the host in double precision: a private CPU backend holds a Float64 copy of theta and
/// the project's Adam updates it, which also gives its state export for checkpoints. The weight decay pulls
/// theta towards zero, i.e. pi towards uniform.
/// </summary>
public sealed class PriorOptimizer : IDisposable
{
    private readonly ArchitecturePrior _prior;
    private readonly CpuBackend _host = new();
    private readonly Tensor _theta;
    private readonly Adam _adam;

    public PriorOptimizer(ArchitecturePrior prior, PriorOptimizerOptions options)
    {
        _prior = prior;
        Options = options;
        _theta = Parameters.Create(_host, "prior.logits", [prior.Logits.Length], DType.Float64);
        _adam = new Adam([_theta], options.Beta1, options.Beta2, weightDecay: options.WeightDecay);
    }

    public PriorOptimizerOptions Options { get; }

    /// <summary>One Adam step along <paramref name="ascentDirection"/> (the estimated gradient of log p(y | pi), which is maximised).</summary>
    public void Step(double[] ascentDirection)
    {
        if (ascentDirection.Length != _prior.Logits.Length)
            throw new ArgumentException($"the prior has {_prior.Logits.Length} logits, the gradient {ascentDirection.Length} entries");
        _host.CopyIn(_theta.Storage, _prior.Logits);
        // Adam minimises: hand it the gradient of the negated objective.
        _host.CopyIn(_theta.Grad!.Storage, ascentDirection.Select(g => -g).ToArray());
        _adam.Step(Options.LearningRate);
        _host.CopyOut(_theta.Storage, _prior.Logits);
    }

    public OptimizerState ExportState() => _adam.ExportState();

    public void ImportState(OptimizerState state) => _adam.ImportState(state);

    public void Dispose()
    {
        _adam.Dispose();
        _theta.Grad?.Dispose();
        _theta.Dispose();
        _host.Dispose();
    }
}
