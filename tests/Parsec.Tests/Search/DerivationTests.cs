using Parsec.Search.Loop;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Estimator;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class DerivationTests
{
    /// <summary>Under DARTS' rule the two terms of a node read different inputs, in the derived genotype too, whatever pi.</summary>
    [Test]
    public void DerivationWithDistinctInputsNeverPicksOneInputTwiceForANode()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
            var rng = new Rng(seed);
            // Large logits make one input dominate both terms' categoricals: the case a plain argmax gets wrong.
            for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = 3 * rng.NextGaussian();
            var genotype = Derivation.Derive(prior, noise: null).Genotype;
            foreach (var cell in new[] { genotype.Normal, genotype.Reduce })
                for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
                    Assert.That(cell[2 * node].Input, Is.Not.EqualTo(cell[2 * node + 1].Input), $"seed {seed}, node {node}");
        }
    }

    /// <summary>
    /// The derived genotype is pi's own most likely architecture: per node, the input pair (a, b != a) with the
    /// largest p(a) p(b | b != a), found here by trying every pair, and per term the most likely op. A greedy pick of
    /// the first input alone misses it when both terms lean to the same input: p(first) = (0.40, 0.35, 0.25) and
    /// p(second) = (0.90, 0.05, 0.05) make (1, 0) the best pair (0.35 * 0.90 / 0.95 = 0.33), not (0, 1 or 2) (0.20).
    /// </summary>
    [Test]
    public void TheDerivedGenotypeIsPisJointArgmax()
    {
        var designed = new ArchitecturePrior(TermInputs.DistinctPerNode);
        SetBlock(designed, designed.InputBlock(CellType.Normal, 2), [0.40, 0.35, 0.25]);
        SetBlock(designed, designed.InputBlock(CellType.Normal, 3), [0.90, 0.05, 0.05]);
        var node1 = Derivation.Derive(designed, noise: null).Genotype.Normal;
        Assert.That((node1[2].Input, node1[3].Input), Is.EqualTo((1, 0)));

        for (ulong seed = 0; seed < 200; seed++)
        {
            var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
            var rng = new Rng(seed);
            for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = 2 * rng.NextGaussian();
            var genotype = Derivation.Derive(prior, noise: null).Genotype;
            Assert.That(genotype.ToJson(), Is.EqualTo(prior.MostLikelyGenotype().ToJson()), $"seed {seed}: derive against the prior's mode");
            foreach (var type in CellTypes.All)
            {
                var cell = type == CellType.Normal ? genotype.Normal : genotype.Reduce;
                for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
                {
                    var first = prior.InputProbabilities(type, 2 * node);
                    var second = prior.InputProbabilities(type, 2 * node + 1);
                    var best = (from a in Enumerable.Range(0, first.Length) from b in Enumerable.Range(0, first.Length) where a != b
                                orderby first[a] * second[b] / (1 - second[a]) descending select (a, b)).First();
                    Assert.That((cell[2 * node].Input, cell[2 * node + 1].Input), Is.EqualTo(best), $"seed {seed}, {type} node {node}");
                    for (int slot = 0; slot < 2; slot++)
                    {
                        var ops = prior.OpProbabilities(type, 2 * node + slot);
                        Assert.That(SearchSpace.Darts.IndexOf(cell[2 * node + slot].Op), Is.EqualTo(Array.IndexOf(ops, ops.Max())));
                    }
                }
            }
        }
    }

    private static void SetBlock(ArchitecturePrior prior, int block, double[] probabilities)
    {
        int offset = prior.Distribution.Offset(block);
        for (int i = 0; i < probabilities.Length; i++) prior.Logits[offset + i] = Math.Log(probabilities[i]);
    }

    /// <summary>
    /// From the uniform prior every choice is an exact tie: derivation draws them at random (not the first
    /// primitive and the first input every time), flags each as a tie, counts none as decided, and warns.
    /// </summary>
    [Test]
    public void TiesAreDrawnAtRandomAndAnUndecidedPiIsFlagged()
    {
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var noise = new Dictionary<int, double> { [2] = 0.1, [3] = 0.1, [4] = 0.1, [5] = 0.1, [7] = 0.1 };
        var derived = Derivation.Derive(prior, noise);
        var ops = derived.Genotype.Normal.Concat(derived.Genotype.Reduce).Select(t => t.Op).ToList();
        Assert.That(ops.Distinct().Count(), Is.GreaterThan(2), "16 random draws of 7 primitives");
        Assert.That(ops.Count(o => o == SearchSpace.Darts.Ops[0]), Is.LessThan(16));
        // Node 0's second input is forced once the first is drawn: it is as undecided as its partner.
        Assert.That(derived.Choices.All(c => c.Tie), Is.True);
        Assert.That(derived.DecidedCount, Is.Zero);
        Assert.That(derived.Warning(), Does.Contain("decided only 0 of 32"));
        Assert.That(Derivation.Derive(prior, noise).Genotype, Is.EqualTo(derived.Genotype).Using<Genotype>((a, b) => a.ToJson() == b.ToJson()), "the draw is seeded");
    }

    /// <summary>A choice counts as decided when its margin over the runner-up exceeds the noise floor of its block size, and only then.</summary>
    [Test]
    public void AChoiceIsDecidedWhenItsMarginExceedsTheNoise()
    {
        var prior = new ArchitecturePrior(TermInputs.Independent);
        int block = prior.OpBlock(CellType.Normal, 0);
        prior.Logits[prior.Distribution.Offset(block) + SearchSpace.Darts.IndexOf(Primitives.SepConv3x3)] = 2.0;
        int weak = prior.OpBlock(CellType.Normal, 1);
        prior.Logits[prior.Distribution.Offset(weak) + SearchSpace.Darts.IndexOf(Primitives.SkipConnect)] = 0.05;
        var noise = new Dictionary<int, double> { [2] = 0.2, [3] = 0.2, [4] = 0.2, [5] = 0.2, [7] = 0.1 };
        var derived = Derivation.Derive(prior, noise);

        var strong = derived.Choices.Single(c => c.Block == block);
        Assert.That(derived.Genotype.Normal[0].Op, Is.EqualTo(Primitives.SepConv3x3));
        Assert.That(strong.Margin, Is.EqualTo(Math.Exp(2) / (Math.Exp(2) + 6) - 1 / (Math.Exp(2) + 6)).Within(1e-12));
        Assert.That(strong.Decided, Is.True);
        var small = derived.Choices.Single(c => c.Block == weak);
        Assert.That(derived.Genotype.Normal[1].Op, Is.EqualTo(Primitives.SkipConnect));
        Assert.That(small.Tie, Is.False);
        Assert.That(small.Margin, Is.GreaterThan(0).And.LessThan(0.1));
        Assert.That(small.Decided, Is.False, "a margin below the noise floor is not a decision");
        Assert.That(Derivation.Derive(prior, noise: null).Choices.Any(c => c.Decided), Is.False, "without a noise estimate nothing is called decided");
    }

    /// <summary>
    /// The noise floor replays the prior updates with the run's importance weights and fresh architectures:
    /// with equal weights and the mean baseline nothing can move (floor 0); with peaked weights chance alone
    /// moves pi, more with a larger step size.
    /// </summary>
    [Test]
    public void TheNoiseFloorGrowsWithTheNoiseOfTheWeightsAndTheStepSize()
    {
        var flat = Enumerable.Range(0, 20).Select(_ => Enumerable.Repeat(0.25, 4).ToArray()).ToList();
        var rng = new Rng(4);
        var peaked = Enumerable.Range(0, 20).Select(_ => ImportanceWeights.Normalize(Enumerable.Range(0, 4).Select(_ => 3 * rng.NextGaussian()).ToArray())).ToList();
        DecisionNoise.Replay Replay(IReadOnlyList<double[]> omegas, double lr) =>
            new(TermInputs.DistinctPerNode, new PriorOptimizerOptions(lr), PriorBaseline.Mean, omegas, Iterations: 60);

        var none = DecisionNoise.Thresholds(Replay(flat, 0.05), replays: 5);
        Assert.That(none.Values, Is.All.EqualTo(0));
        var small = DecisionNoise.Thresholds(Replay(peaked, 0.01), replays: 5);
        var large = DecisionNoise.Thresholds(Replay(peaked, 0.05), replays: 5);
        Assert.That(small.Keys, Is.EquivalentTo(new[] { 2, 3, 4, 5, 7 }));
        foreach (int size in small.Keys)
        {
            Assert.That(small[size], Is.GreaterThan(0), $"size {size}");
            Assert.That(large[size], Is.GreaterThan(small[size]), $"size {size}");
        }
    }
}
