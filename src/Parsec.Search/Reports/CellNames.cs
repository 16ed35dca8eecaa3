using Parsec.Search.Space;

namespace Parsec.Search.Reports;

/// <summary>How the report names the parts of a cell, the same way in every image and in the DOT graph.</summary>
internal static class CellNames
{
    /// <summary>Input index as stored in a genotype: 0 and 1 are the outputs of the two previous cells, 2.. the intermediate nodes.</summary>
    public static string Input(int index) => CellLayout.InputName(index);

    public static string Output => "c_{k}";

    /// <summary>Term k is the first ("a") or second ("b") summand of intermediate node k/2.</summary>
    public static string Term(int k) => $"node {k / CellLayout.TermsPerNode} {(char)('a' + k % CellLayout.TermsPerNode)}";

    public static string Cell(bool reduction) => reduction ? "reduction" : "normal";
}
