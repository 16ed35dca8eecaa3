using Parsec.Search.Cost;
using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// The cost term of a cost-aware PARSEC search. pi's expected cost and its gradient are exact
/// (<see cref="TermCostTable.ExpectedCost"/>: no sampling noise), so the term is added to the estimated gradient of the
/// log marginal likelihood as it is:
/// <list type="bullet">
/// <item>a target T is a constraint E[cost] &lt;= T with a Lagrange multiplier: pi ascends log-likelihood - lambda E[cost] / T,
///   and lambda climbs by (E[cost] / T - 1) after each step, never below 0 (dual ascent): it grows while pi is over its
///   budget and relaxes once it is under;</item>
/// <item>a weight w is a fixed trade-off: pi ascends log-likelihood - w E[cost] / E_uniform[cost].</item>
/// </list>
/// </summary>
internal sealed class SearchCost
{
    /// <summary>Dual ascent's step on the multiplier per iteration, per unit of relative excess.</summary>
    public const double MultiplierRate = 1.0;

    private readonly double? _target;
    private readonly double? _weight;
    private readonly double _uniformCost;

    public SearchCost(TermCostTable table, double? target, double? weight, ArchitecturePrior uniform)
    {
        Table = table;
        _target = target;
        _weight = weight;
        _uniformCost = table.ExpectedCost(uniform).Expected;
    }

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
        if (_target is double target) Multiplier = Math.Max(0, Multiplier + MultiplierRate * (expected / target - 1));
        return expected;
    }
}
