using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>
/// The genotype a cost-aware search hands over: pi's most likely genotype among those that spend the budget, costing
/// between <see cref="SpentFraction"/> of the target and the target.
/// <para>
/// Why a lower bound: the cost term tilts every term's op logits against expensive ops, so while pi's expected cost
/// sits at the target, each undecided term's single most likely op is its cheapest, and the joint argmax falls far
/// under the budget. On Fashion-MNIST at a 30,000-parameter target, two of three search seeds derived cells of 17,602
/// and 15,026 parameters (every term a pool) and ranked 6th and 7th of 7 against random cells under the same cap. With
/// the cost additive over terms, pi is close to the likelihood's preference times exp(-lambda cost); among genotypes of
/// nearly equal cost that tilt is nearly constant, so the most likely genotype within the band is the one the
/// likelihood prefers at that size.
/// </para>
/// <para>
/// The search is exact over the choices: a node's two terms (inputs and ops, the second input given the first when
/// inputs are distinct) are one choice (at most 20 x 7 x 7 in DARTS' space), costs add over nodes, and a dynamic programme over
/// the cost in <see cref="Steps"/> steps of the target's variable part keeps the most likely way to reach each step.
/// Term costs are rounded up to whole steps, so the result never exceeds the target and may cost up to one step per
/// node less than the band's lower bound says.
/// </para>
/// </summary>
internal static class BudgetDerivation
{
    /// <summary>The band's lower bound: a derived genotype spends at least this share of the target when one can.</summary>
    public const double SpentFraction = 0.9;

    /// <summary>Resolution of the cost axis: the target's variable part (target minus the fixed part) in this many steps.</summary>
    public const int Steps = 4000;

    /// <summary>
    /// The genotype a search with <paramref name="target"/> writes and its cost: pi's most likely genotype
    /// (<paramref name="mostLikely"/>) when there is no target, otherwise the most likely one within the band; when even
    /// the cheapest genotype costs more than the target, the most likely of the cheapest, reported as over.
    /// </summary>
    public static (Genotype Genotype, GenotypeCost Cost) Fit(Genotype mostLikely, ArchitecturePrior prior, TermCostTable table, double? target)
    {
        var unconstrained = Architecture.FromGenotype(mostLikely);
        double mostLikelyCost = table.CostOf(unconstrained);
        if (target is not double t) return (mostLikely, new GenotypeCost(table.Measure, mostLikelyCost, null, 0));
        var fitted = MostLikelyWithin(prior, table, t) ?? MostLikelyWithin(prior, table, table.Fixed)!;
        var choices = prior.ToChoices(fitted);
        int changed = prior.ToChoices(unconstrained).Where((c, i) => c != choices[i]).Count();
        return (fitted.ToGenotype(), new GenotypeCost(table.Measure, table.CostOf(fitted), t, changed, mostLikelyCost));
    }

    /// <summary>
    /// The most likely genotype costing between <see cref="SpentFraction"/> × <paramref name="target"/> and the target;
    /// the most likely one under the target when none reaches the band (a target above what the space can spend), and
    /// null when even the cheapest genotype costs more than the target.
    /// </summary>
    private static Architecture? MostLikelyWithin(ArchitecturePrior prior, TermCostTable table, double target)
    {
        double room = target - table.Fixed;
        if (room < 0) return null;
        // A target at the fixed part leaves no room: only free terms fit.
        int capacity = room > 0 ? Steps : 0;
        double step = room > 0 ? room / Steps : 1;
        var nodes = NodeChoices(prior, table, step).ToList();

        // best[s]: the largest log-probability of the nodes so far at exactly s steps of cost; from[n][s]: node n's option there.
        var best = new double[capacity + 1];
        Array.Fill(best, double.NegativeInfinity);
        best[0] = 0;
        var from = new int[nodes.Count][];
        for (int n = 0; n < nodes.Count; n++)
        {
            var next = new double[capacity + 1];
            Array.Fill(next, double.NegativeInfinity);
            from[n] = new int[capacity + 1];
            var options = nodes[n].Options;
            for (int s = 0; s <= capacity; s++)
            {
                if (double.IsNegativeInfinity(best[s])) continue;
                for (int o = 0; o < options.Count; o++)
                {
                    int reached = s + options[o].Steps;
                    if (reached > capacity) continue;
                    double logProbability = best[s] + options[o].LogProbability;
                    if (logProbability > next[reached]) { next[reached] = logProbability; from[n][reached] = o; }
                }
            }
            best = next;
        }

        int lowest = (int)Math.Floor((SpentFraction * target - table.Fixed) / step);
        int end = Argmax(best, Math.Clamp(lowest, 0, capacity)) ?? Argmax(best, 0) ?? -1;
        if (end < 0) return null;
        var choices = new int[prior.Distribution.BlockCount];
        for (int n = nodes.Count - 1; n >= 0; n--)
        {
            var option = nodes[n].Options[from[n][end]];
            var node = nodes[n];
            choices[prior.InputBlock(node.Type, node.First)] = option.FirstInput;
            choices[prior.OpBlock(node.Type, node.First)] = option.FirstOp;
            choices[prior.InputBlock(node.Type, node.First + 1)] = option.SecondInput;
            choices[prior.OpBlock(node.Type, node.First + 1)] = option.SecondOp;
            end -= option.Steps;
        }
        return prior.FromChoices(choices);
    }

    /// <summary>The index of the largest finite entry of <paramref name="values"/> from <paramref name="start"/> on; null when there is none.</summary>
    private static int? Argmax(double[] values, int start)
    {
        int? best = null;
        for (int i = start; i < values.Length; i++)
            if (!double.IsNegativeInfinity(values[i]) && (best is null || values[i] > values[best.Value])) best = i;
        return best;
    }

    private sealed record NodeOption(int FirstInput, int FirstOp, int SecondInput, int SecondOp, double LogProbability, int Steps);

    private sealed record NodeChoice(CellType Type, int First, IReadOnlyList<NodeOption> Options);

    /// <summary>Every (input, op, input, op) of each node with its log-probability under pi and its cost in whole steps.</summary>
    private static IEnumerable<NodeChoice> NodeChoices(ArchitecturePrior prior, TermCostTable table, double step)
    {
        foreach (var type in CellTypes.All)
            for (int node = 0; node < prior.Space.Nodes; node++)
            {
                int first = node * CellLayout.TermsPerNode, second = first + 1;
                var firstInput = prior.InputProbabilities(type, first);
                var (firstOp, secondOp) = (prior.OpProbabilities(type, first), prior.OpProbabilities(type, second));
                int inputs = firstInput.Length;
                var options = new List<NodeOption>();
                for (int a = 0; a < inputs; a++)
                {
                    var secondInput = prior.SecondInputProbabilities(type, second, a);
                    for (int b = 0; b < inputs; b++)
                        for (int opA = 0; opA < firstOp.Length; opA++)
                            for (int opB = 0; opB < secondOp.Length; opB++)
                            {
                                double p = firstInput[a] * secondInput[b] * firstOp[opA] * secondOp[opB];
                                if (p <= 0) continue; // a masked pair (b = a with distinct inputs)
                                double cost = table.Term(type, first, a, opA) + table.Term(type, second, b, opB);
                                options.Add(new NodeOption(a, opA, b, opB, Math.Log(p), Math.Max(0, (int)Math.Ceiling(cost / step - 1e-9))));
                            }
                }
                yield return new NodeChoice(type, first, options);
            }
    }
}
