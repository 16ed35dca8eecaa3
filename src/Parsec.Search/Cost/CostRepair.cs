using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>The cost of a search's genotype against its target, and how many of pi's choices were given up to meet it.</summary>
public sealed record GenotypeCost(CostMeasure Measure, double Cost, double? Target, int ChangedTerms)
{
    public bool MeetsTarget => Target is not double t || Cost <= t;

    public string Describe() => Target is double t
        ? $"{Name(Measure)}: {Amount(Cost)}, target {Amount(t)} ({(MeetsTarget ? $"{100 * (t - Cost) / t:0.0} % under" : $"{100 * (Cost - t) / t:0.0} % OVER: even every term at its cheapest op costs more")})" +
          (ChangedTerms > 0 ? $"; {ChangedTerms} term{(ChangedTerms == 1 ? "" : "s")} of pi's most likely genotype changed to cheaper ops to meet it" : "")
        : $"{Name(Measure)}: {Amount(Cost)}";

    private string Amount(double value) => Measure == CostMeasure.Latency ? $"{value:N2} ms" : $"{value:N0}";

    public static string Name(CostMeasure measure) => measure switch
    {
        CostMeasure.Params => "parameters",
        CostMeasure.Flops => "multiply-adds per image",
        _ => "predicted forward latency",
    };
}

/// <summary>
/// Brings a genotype under a cost target while keeping as much of pi as it can: pi's expected cost can be under the
/// target while its most likely genotype is over it. As long as the genotype costs too much, the one op change (same
/// term, same input, a cheaper op) that gives up the least log-probability under pi per unit of cost saved is made.
/// Every term can fall back to a pool, which has no weights and no multiply-adds, so only a target below the network's
/// fixed part is out of reach.
/// </summary>
internal static class CostRepair
{
    public static (Genotype Genotype, GenotypeCost Cost) Fit(Genotype genotype, ArchitecturePrior prior, TermCostTable table, double? target)
    {
        var architecture = Architecture.FromGenotype(genotype);
        int changes = 0;
        double cost = table.CostOf(architecture);
        while (target is double t && cost > t)
        {
            (CellType Type, int Term, int Op, double Price)? best = null;
            foreach (var type in CellTypes.All)
                for (int k = 0; k < architecture.Space.Terms; k++)
                {
                    var current = architecture.Of(type)[k];
                    var p = prior.OpProbabilities(type, k);
                    double currentCost = table.Term(type, k, current.Input, current.Op);
                    for (int op = 0; op < p.Length; op++)
                    {
                        double saved = currentCost - table.Term(type, k, current.Input, op);
                        if (saved <= 0) continue;
                        double price = (Math.Log(p[current.Op]) - Math.Log(p[op])) / saved;
                        if (best is null || price < best.Value.Price) best = (type, k, op, price);
                    }
                }
            if (best is not { } change) break; // nothing cheaper anywhere: the target is below the fixed part
            architecture = With(architecture, change.Type, change.Term, change.Op);
            cost = table.CostOf(architecture);
            changes++;
        }
        return (architecture.ToGenotype(), new GenotypeCost(table.Measure, cost, target, changes));
    }

    private static Architecture With(Architecture architecture, CellType type, int term, int op)
    {
        TermChoice[] Cell(CellType t)
        {
            var terms = architecture.Of(t).ToArray();
            if (t == type) terms[term] = terms[term] with { Op = op };
            return terms;
        }
        return new Architecture(Cell(CellType.Normal), Cell(CellType.Reduce), architecture.Space);
    }
}
