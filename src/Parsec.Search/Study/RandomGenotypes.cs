using Parsec.Autodiff;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Study;

/// <summary>
/// Genotypes drawn uniformly from the search space: every term's input and operation uniform, with the
/// same rule for the inputs of a node as the search (<see cref="TermInputs"/>). The baseline a search must beat.
/// </summary>
internal static class RandomGenotypes
{
    /// <summary><paramref name="count"/> genotypes from one generator seeded with <paramref name="seed"/>: the same seed gives the same list.</summary>
    public static IReadOnlyList<Genotype> Sample(int count, ulong seed, TermInputs termInputs, SearchSpace space) => Sample(count, seed, termInputs, space, _ => true);

    /// <summary>Draws a genotype this many times at most for each one accepted: a cap that rejects nearly every draw is reported, not looped on.</summary>
    public const int MaxDrawsPerGenotype = 100_000;

    /// <summary>
    /// <paramref name="count"/> uniform draws that <paramref name="accept"/> keeps (rejection sampling): uniform over the
    /// accepted part of the space, e.g. the genotypes under a cost cap, so that a cost-aware search meets random
    /// genotypes of its own cost.
    /// </summary>
    public static IReadOnlyList<Genotype> Sample(int count, ulong seed, TermInputs termInputs, SearchSpace space, Func<Architecture, bool> accept)
    {
        if (count < 0) throw new BadInputException($"--random must be >= 0, got {count}");
        var uniform = new ArchitecturePrior(termInputs, space);
        var rng = new Rng(seed);
        var accepted = new List<Genotype>();
        long draws = 0;
        while (accepted.Count < count)
        {
            if (++draws > (long)MaxDrawsPerGenotype * count)
                throw new BadInputException($"{draws - 1} uniform genotypes gave only {accepted.Count} of the {count} under the cap: raise the cost target");
            var architecture = uniform.Sample(rng);
            if (accept(architecture)) accepted.Add(architecture.ToGenotype());
        }
        return accepted;
    }
}
