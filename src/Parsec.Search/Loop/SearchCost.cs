using Parsec.Search.Cost;
using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// The cost term of a cost-aware PARSEC search. pi's expected cost and its gradient are exact
/// (<see cref="TermCostTable.ExpectedCost"/>: no sampling noise), so the term is added to the estimated gradient of the
/// log marginal likelihood as it is:
/// <list type="bullet">
/// <item>a target T is a constraint E[cost] &lt;= T with a multiplier: pi ascends log-likelihood - lambda E[cost] / T,
///   and lambda climbs by <see cref="MultiplierRate"/> (E[cost] / T - 1) after each step while pi is over its budget,
///   and is 0 as soon as pi is under it. Plain dual ascent (lambda relaxing as slowly as it climbed) overshot: on
///   Fashion-MNIST at a 30,000-parameter target, lambda reached 4.9, and pi's Adam steps, whose length does not
///   depend on lambda once the cost term dominates, kept driving pi for the 16 iterations lambda took to come back
///   to 0. pi ended at 21,800 expected parameters, its genotype all pools (15,026), and the cost term's large gradients
///   had filled Adam's second moments, so the likelihood hardly moved pi afterwards. The genotype ranked last of 7.</item>
/// <item>a weight w is a fixed trade-off: pi ascends log-likelihood - w E[cost] / E_uniform[cost].</item>
/// </list>
/// </summary>
internal sealed class SearchCost
{
    /// <summary>The multiplier's step per iteration, per unit of relative excess over the target.</summary>
    public const double MultiplierRate = 0.1;

    private readonly double? _target;
    private readonly double? _weight;
    private readonly double _uniformCost;

    public SearchCost(TermCostTable table, double? target, double? weight, ArchitecturePrior uniform)
        : this(table, target, weight, table.ExpectedCost(uniform).Expected) { }

    private SearchCost(TermCostTable table, double? target, double? weight, double uniformCost)
    {
        Table = table;
        _target = target;
        _weight = weight;
        _uniformCost = uniformCost;
    }

    /// <summary>The same cost term with its multiplier at 0, as a search starts it (the noise floor's null runs replay it).</summary>
    public SearchCost Restarted() => new(Table, _target, _weight, _uniformCost);

    public TermCostTable Table { get; }
    /// <summary>lambda of the target's constraint; stays 0 with a fixed weight.</summary>
    public double Multiplier { get; set; }
    public double? Target => _target;

    /// <summary>Adds the cost term to <paramref name="ascent"/> (the direction pi's optimiser ascends), then updates the multiplier; returns E[cost] before the step.</summary>
    public double Apply(ArchitecturePrior prior, double[] ascent)
    {
        var (expected, gradient) = Table.ExpectedCost(prior);
        double scale = _target is double t ? Multiplier / t : _weight!.Value / _uniformCost;
        for (int i = 0; i < ascent.Length; i++) ascent[i] -= scale * gradient[i];
        if (_target is double target) Multiplier = expected > target ? Multiplier + MultiplierRate * (expected / target - 1) : 0;
        return expected;
    }
}
