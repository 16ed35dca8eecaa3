using Parsec.Autodiff;
using Parsec.Search.Space;

namespace Parsec.Search.Prior;

/// <summary>One choice of a derived genotype and how firmly pi made it.</summary>
/// <param name="Block">The categorical in <see cref="ArchitecturePrior.Distribution"/>'s order.</param>
/// <param name="Probability">Of the chosen value (given the node's other input when inputs are distinct).</param>
/// <param name="Margin">Probability of the chosen value minus that of the runner-up.</param>
/// <param name="NoiseMargin">The margin chance alone reaches (Loop.DecisionNoise measures it); null when unknown.</param>
/// <param name="Tie">The top probabilities were equal and the choice was drawn at random among them.</param>
public sealed record ChoiceDecision(CellType Cell, int Term, bool IsInput, int Block, int Chosen, double Probability, double Margin, double? NoiseMargin, bool Tie)
{
    /// <summary>The margin is above the noise floor (unknown counts as undecided).</summary>
    public bool Decided => !Tie && NoiseMargin is double noise && Margin > noise;
}

/// <summary>The most likely genotype with a verdict on each of its 32 choices.</summary>
public sealed record DerivedGenotype(Genotype Genotype, IReadOnlyList<ChoiceDecision> Choices)
{
    public int DecidedCount => Choices.Count(c => c.Decided);
    public bool NoiseKnown => Choices.All(c => c.NoiseMargin is not null);

    /// <summary>A warning for the user when pi has not settled most choices, or null when it has.</summary>
    public string? Warning()
    {
        int ties = Choices.Count(c => c.Tie);
        if (!NoiseKnown)
            return $"no noise estimate for this pi (no {DecisionNoiseFile.FileName} beside it), so no choice can be called decided" +
                   (ties > 0 ? $"; {ties} choices were exact ties, drawn at random" : "");
        if (DecidedCount * 2 >= Choices.Count) return null;
        return $"pi has decided only {DecidedCount} of {Choices.Count} choices (margin over the runner-up above the noise of the estimate); " +
               "the others are no better than random picks: more samples per iteration (-k) narrow the noise, and a longer search gives pi more updates";
    }
}

/// <summary>
/// The most likely genotype of a learnt pi (the argmax of every categorical; with distinct inputs the best
/// pair per node) together with each choice's probability, its margin over the runner-up and whether that
/// margin is above the noise. Exact ties are drawn at random from a fixed seed, never broken by list order,
/// which would favour the first primitive (max_pool_3x3) and the first input.
/// </summary>
internal static class Derivation
{
    private const double TieTolerance = 1e-12;

    public static DerivedGenotype Derive(ArchitecturePrior prior, IReadOnlyDictionary<int, double>? noise, ulong tieSeed = 0)
    {
        var distribution = prior.Distribution;
        var choices = new int[distribution.BlockCount];
        var tie = new bool[choices.Length];
        var rng = new Rng(tieSeed);
        // Unconstrained blocks first, each by the joint probability of its value and its dependents' best values
        // (pi's own argmax: a node's input pair (a, b != a) maximising p(a) p(b | b != a)); then each dependent, given its partner.
        foreach (bool dependents in new[] { false, true })
            for (int b = 0; b < choices.Length; b++)
            {
                if ((distribution.DistinctFrom(b) != -1) != dependents) continue;
                var score = dependents ? distribution.ConditionalProbabilities(b, choices) : distribution.JointBest(b);
                double best = score.Max();
                var tied = Enumerable.Range(0, score.Length).Where(i => score[i] > 0 && best - score[i] <= TieTolerance).ToArray();
                tie[b] = tied.Length > 1;
                choices[b] = tied.Length > 1 ? tied[rng.NextInt(tied.Length)] : tied[0];
            }
        var architecture = prior.FromChoices(choices);
        var decisions = new List<ChoiceDecision>();
        foreach (var type in CellTypes.All)
            for (int k = 0; k < prior.Space.Terms; k++)
                foreach (bool isInput in new[] { true, false })
                {
                    int block = isInput ? prior.InputBlock(type, k) : prior.OpBlock(type, k);
                    var p = distribution.ConditionalProbabilities(block, choices);
                    double chosen = p[choices[block]];
                    double runnerUp = p.Where((_, i) => i != choices[block]).DefaultIfEmpty(0).Max();
                    double? floor = noise is not null && noise.TryGetValue(distribution.Size(block), out double n) ? n : null;
                    var decision = new ChoiceDecision(type, k, isInput, block, choices[block], chosen, chosen - runnerUp, floor, tie[block]);
                    // A choice left with one option (node 0's second input once the first is taken) is as decided as its partner.
                    if (runnerUp == 0 && distribution.DistinctFrom(block) is int partner and >= 0)
                        decision = decision with { Margin = decisions.Single(d => d.Block == partner).Margin, NoiseMargin = decisions.Single(d => d.Block == partner).NoiseMargin, Tie = tie[partner] };
                    decisions.Add(decision);
                }
        return new DerivedGenotype(architecture.ToGenotype(), decisions);
    }
}
