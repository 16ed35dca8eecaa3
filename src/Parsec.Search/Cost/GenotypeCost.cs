namespace Parsec.Search.Cost;

/// <summary>
/// The cost of a cost-aware search's genotype against its target, how many of its 32 choices differ from pi's most
/// likely genotype to spend the budget (<see cref="BudgetDerivation"/>), and what that most likely genotype costs.
/// </summary>
public sealed record GenotypeCost(CostMeasure Measure, double Cost, double? Target, int ChangedTerms, double? MostLikelyCost = null)
{
    public bool MeetsTarget => Target is not double t || Cost <= t;

    public string Describe() => Target is double t
        ? $"{Name(Measure)}: {Amount(Cost)}, target {Amount(t)} ({(MeetsTarget ? $"{100 * (t - Cost) / t:0.0} % under" : $"{100 * (Cost - t) / t:0.0} % OVER: even every term at its cheapest op costs more")})" +
          (ChangedTerms > 0 ? $"; {ChangedTerms} of pi's choices differ from its most likely genotype" + (MostLikelyCost is double m ? $" ({Amount(m)})" : "") +
              $" to spend {100 * BudgetDerivation.SpentFraction:0} % to 100 % of the target" : "")
        : $"{Name(Measure)}: {Amount(Cost)}";

    private string Amount(double value) => Measure == CostMeasure.Latency ? $"{value:N2} ms" : $"{value:N0}";

    public static string Name(CostMeasure measure) => measure switch
    {
        CostMeasure.Params => "parameters",
        CostMeasure.Flops => "multiply-adds per image",
        _ => "predicted forward latency",
    };
}
