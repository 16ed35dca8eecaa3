using System.Globalization;
using System.Text;
using Parsec.Search.Space;

namespace Parsec.Search.Reports;

/// <summary>
/// The cells of a genotype as a Graphviz DOT graph, drawn the way DARTS draws them: the two cell inputs
/// c_{k-2} and c_{k-1} on the left, the four intermediate nodes, and the output c_{k} that concatenates them.
/// Every term is an edge from its input to its node, labelled with its operation and coloured like that operation in
/// the pi plots. Both cell types go in one graph, one cluster each.
/// </summary>
internal static class CellGraph
{
    public static string ToDot(Genotype genotype, string title = "most likely architecture")
    {
        var dot = new StringBuilder();
        dot.AppendLine("digraph cells {");
        dot.AppendLine($"  label={Quote(title)};");
        dot.AppendLine("  labelloc=t;");
        dot.AppendLine("  fontname=\"Helvetica\";");
        dot.AppendLine("  fontsize=20;");
        dot.AppendLine("  rankdir=LR;");
        dot.AppendLine("  newrank=true;");
        dot.AppendLine("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=14, penwidth=1.5];");
        dot.AppendLine("  edge [fontname=\"Helvetica\", fontsize=12, penwidth=2];");
        // dot stacks unconnected clusters bottom-up in the order they are written (with rankdir=LR), so the
        // reduction cell is written first to draw the normal cell on top.
        AppendCell(dot, "reduce", "reduction cell", genotype.Reduce);
        AppendCell(dot, "normal", "normal cell", genotype.Normal);
        dot.AppendLine("}");
        return dot.ToString();
    }

    /// <summary>The DOT id of a node: prefixed with the cell so the two clusters share no node.</summary>
    public static string NodeId(string cell, int input) => input switch
    {
        0 => $"{cell}_c_km2",
        1 => $"{cell}_c_km1",
        _ => $"{cell}_n{input - 2}",
    };

    private static void AppendCell(StringBuilder dot, string cell, string label, IReadOnlyList<GenotypeTerm> terms)
    {
        string output = $"{cell}_c_k";
        dot.AppendLine($"  subgraph cluster_{cell} {{");
        dot.AppendLine($"    label={Quote(label)};");
        dot.AppendLine("    fontsize=16;");
        dot.AppendLine("    style=rounded;");
        dot.AppendLine("    color=\"#999999\";");
        for (int input = 0; input < 2; input++)
            dot.AppendLine($"    {NodeId(cell, input)} [label={Quote(CellNames.Input(input))}, fillcolor=\"#c7e9c0\"];");
        int nodes = terms.Count / CellLayout.TermsPerNode;
        for (int node = 0; node < nodes; node++)
            dot.AppendLine($"    {NodeId(cell, node + 2)} [label={Quote(CellNames.Input(node + 2))}, shape=ellipse, fillcolor=\"#c6dbef\"];");
        dot.AppendLine($"    {output} [label={Quote(CellNames.Output)}, fillcolor=\"#fdd0a2\"];");
        // The two cell inputs share the first rank so that both sit on the left edge even when one feeds only a late node.
        dot.AppendLine($"    {{ rank=same; {NodeId(cell, 0)}; {NodeId(cell, 1)}; }}");

        for (int k = 0; k < terms.Count; k++)
        {
            var term = terms[k];
            int node = CellLayout.NodeOfTerm(k);
            string color = ReportStyle.OpColorHex(term.Op);
            dot.AppendLine($"    {NodeId(cell, term.Input)} -> {NodeId(cell, node + 2)} [label={Quote(term.Op)}, color={Quote(color)}, fontcolor=\"#333333\"];");
        }
        for (int node = 0; node < nodes; node++)
            dot.AppendLine($"    {NodeId(cell, node + 2)} -> {output} [color=\"#888888\", style=dashed, penwidth=1.2];");
        dot.AppendLine("  }");
    }

    /// <summary>A DOT double-quoted string; only the quote and the backslash need escaping inside one.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
