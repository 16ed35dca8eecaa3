namespace Parsec.Search.Space;

/// <summary>
/// The wiring of a cell, shared by the prior, the architecture type and the network: nodes 0 and 1 are the two
/// (preprocessed) cell inputs, intermediate node j is node j + 2 and sums <see cref="TermsPerNode"/> terms, and
/// term k belongs to node k / 2. How many intermediate nodes a cell has is its <see cref="SearchSpace"/>'s.
/// </summary>
internal static class CellLayout
{
    public const int InputNodes = 2;
    public const int TermsPerNode = 2;

    /// <summary>The intermediate node (0, 1, ...) a term belongs to.</summary>
    public static int NodeOfTerm(int term) => term / TermsPerNode;

    /// <summary>How many earlier nodes intermediate node j may read: 2 + j.</summary>
    public static int InputsOfNode(int node) => InputNodes + node;

    /// <summary>How many inputs term k may choose among.</summary>
    public static int InputsOfTerm(int term) => InputsOfNode(NodeOfTerm(term));

    /// <summary>Index of edge (node, input) in DARTS order: node 0's two edges, then node 1's three, and so on.</summary>
    public static int EdgeIndex(int node, int input)
    {
        if (node < 0 || input < 0 || input >= InputsOfNode(node))
            throw new ArgumentOutOfRangeException(nameof(input), $"node {node} has no input {input}");
        int offset = 0;
        for (int j = 0; j < node; j++) offset += InputsOfNode(j);
        return offset + input;
    }

    /// <summary>In a reduction cell the edges leaving the two cell inputs have stride 2.</summary>
    public static int StrideOf(CellType type, int input) => type == CellType.Reduce && input < InputNodes ? 2 : 1;

    /// <summary>
    /// The name of node <paramref name="index"/> as a genotype stores it, used the same way in genotype text,
    /// tables, plots and cell graphs: c_{k-2} and c_{k-1} are the outputs of the two previous cells, "node 0",
    /// "node 1", ... the intermediate nodes (genotype inputs 2, 3, ...).
    /// </summary>
    public static string InputName(int index) => index switch
    {
        0 => "c_{k-2}",
        1 => "c_{k-1}",
        _ => $"node {index - InputNodes}",
    };
}
