using Parsec.Autodiff;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Study;

/// <summary>
/// Genotypes drawn uniformly from the search space: every term's input and operation uniform, with the
/// same rule for the inputs of a node as the search (<see cref="TermInputs"/>). The baseline a search must beat.
/// </summary>
public static class RandomGenotypes
{
    /// <summary><paramref name="count"/> genotypes from one generator seeded with <paramref name="seed"/>: the same seed gives the same list.</summary>
    public static IReadOnlyList<Genotype> Sample(int count, ulong seed, TermInputs termInputs)
    {
        if (count < 0) throw new ArgumentException($"--random must be >= 0, got {count}");
        var uniform = new ArchitecturePrior(termInputs);
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => uniform.Sample(rng).ToGenotype()).ToList();
    }
}
