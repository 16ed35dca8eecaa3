using Parsec.Autodiff;
using Parsec.Search.Space;

namespace Parsec.Search.Prior;

/// <summary>
/// p(alpha | pi): for each cell type (normal, reduce) and each of its terms (8 in the DARTS space), a categorical over
/// the term's 2 + j inputs and a categorical over the space's operations (<see cref="SearchSpace.Ops"/>), parameterised
/// by logits theta (pi = softmax(theta), uniform at zero). The logits of all categoricals live in one flat vector
/// (<see cref="Logits"/>: in the DARTS space 56 input logits and 16 x 7 op logits, 168 numbers) ordered cell type,
/// term, then input block before op block. pi does not depend on the network's depth, width or data, so a saved
/// prior is valid for any network of its space (transfer).
/// </summary>
public sealed class ArchitecturePrior
{
    private const int BlocksPerTerm = 2; // input, op

    /// <param name="space">Null: the DARTS space.</param>
    public ArchitecturePrior(TermInputs termInputs = TermInputs.Independent, SearchSpace? space = null)
    {
        TermInputs = termInputs;
        Space = space ?? SearchSpace.Darts;
        var sizes = new List<int>();
        var distinctFrom = new List<int>();
        foreach (var type in CellTypes.All)
            for (int k = 0; k < Space.Terms; k++)
            {
                bool second = k % CellLayout.TermsPerNode == 1;
                sizes.Add(CellLayout.InputsOfTerm(k));
                distinctFrom.Add(termInputs == TermInputs.DistinctPerNode && second ? InputBlock(type, k - 1) : -1);
                sizes.Add(Space.Ops.Count);
                distinctFrom.Add(-1);
            }
        Distribution = new CategoricalSet(sizes, distinctFrom);
    }

    public TermInputs TermInputs { get; }

    /// <summary>The space pi is a distribution over: its terms size the input blocks, its operations the op blocks.</summary>
    public SearchSpace Space { get; }

    /// <summary>The underlying product of categoricals; choice vectors follow its block order.</summary>
    public CategoricalSet Distribution { get; }

    /// <summary>theta, mutable in place (the optimiser steps it).</summary>
    public double[] Logits => Distribution.Logits;

    public int InputBlock(CellType type, int term) => ((int)type * Space.Terms + term) * BlocksPerTerm;
    public int OpBlock(CellType type, int term) => InputBlock(type, term) + 1;

    public double[] InputProbabilities(CellType type, int term) => Distribution.Probabilities(InputBlock(type, term));
    public double[] OpProbabilities(CellType type, int term) => Distribution.Probabilities(OpBlock(type, term));

    /// <summary>A node's second term's input probabilities given its first term reads <paramref name="firstInput"/> (that input masked when a node's inputs are distinct).</summary>
    public double[] SecondInputProbabilities(CellType type, int secondTerm, int firstInput)
    {
        int secondBlock = InputBlock(type, secondTerm), firstBlock = InputBlock(type, secondTerm - 1);
        if (Distribution.DistinctFrom(secondBlock) != firstBlock) return Distribution.Probabilities(secondBlock);
        var choices = new int[Distribution.BlockCount];
        choices[firstBlock] = firstInput;
        return Distribution.ConditionalProbabilities(secondBlock, choices);
    }

    public Architecture Sample(Rng rng) => FromChoices(Distribution.Sample(rng));

    public double LogProbability(Architecture architecture) => Distribution.LogProbability(ToChoices(architecture));

    /// <summary>gradient += weight * d log p(alpha | theta) / d theta (onehot - softmax per choice).</summary>
    public void AddScore(Architecture architecture, double weight, double[] gradient) =>
        Distribution.AddScore(ToChoices(architecture), weight, gradient);

    /// <summary>Entropy of p(alpha | pi) in nats.</summary>
    public double Entropy() => Distribution.Entropy();

    /// <summary>Entropy of the uniform prior of the same kind: the starting point a search moves away from.</summary>
    public double UniformEntropy() => new ArchitecturePrior(TermInputs, Space).Entropy();

    /// <summary>The most likely architecture (the argmax of every categorical; of each input pair when inputs are distinct).</summary>
    public Architecture MostLikely() => FromChoices(Distribution.Mode());

    public Genotype MostLikelyGenotype() => MostLikely().ToGenotype();

    public int[] ToChoices(Architecture architecture)
    {
        if (!architecture.Space.Equals(Space)) throw new ArgumentException($"an architecture of the space {architecture.Space} has no probability under a pi of {Space}");
        var choices = new int[Distribution.BlockCount];
        foreach (var type in CellTypes.All)
        {
            var terms = architecture.Of(type);
            for (int k = 0; k < Space.Terms; k++)
            {
                choices[InputBlock(type, k)] = terms[k].Input;
                choices[OpBlock(type, k)] = terms[k].Op;
            }
        }
        return choices;
    }

    public Architecture FromChoices(IReadOnlyList<int> choices)
    {
        TermChoice[] Cell(CellType type) => Enumerable.Range(0, Space.Terms)
            .Select(k => new TermChoice(choices[InputBlock(type, k)], choices[OpBlock(type, k)])).ToArray();
        return new Architecture(Cell(CellType.Normal), Cell(CellType.Reduce), Space);
    }

    /// <summary>Replaces theta (a loaded or transferred prior).</summary>
    public void SetLogits(ReadOnlySpan<double> logits)
    {
        if (logits.Length != Logits.Length) throw new ArgumentException($"a prior has {Logits.Length} logits, got {logits.Length}");
        foreach (double v in logits)
            if (!double.IsFinite(v)) throw new ArgumentException($"prior logits must be finite, got {v}");
        logits.CopyTo(Logits);
    }
}
