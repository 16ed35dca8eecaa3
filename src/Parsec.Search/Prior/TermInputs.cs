namespace Parsec.Search.Prior;

/// <summary>How the two terms of a node choose their inputs.</summary>
public enum TermInputs
{
    /// <summary>
    /// Every term's input is its own categorical, independent of the other term (PARSEC's description: one
    /// categorical per choice). Both terms of a node may read the same input.
    /// </summary>
    Independent,
    /// <summary>
    /// The second term of a node draws its input from its categorical with the first term's input masked out,
    /// so the two inputs differ, as in every DARTS genotype (DARTS keeps the two strongest distinct edges).
    /// </summary>
    DistinctPerNode,
}
