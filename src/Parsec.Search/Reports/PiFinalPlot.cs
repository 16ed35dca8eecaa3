using System.Globalization;
using Parsec.Search.Space;
using ScottPlot;

namespace Parsec.Search.Reports;

/// <summary>
/// The last logged pi as heatmaps: for each cell type (left: normal, right: reduction) the operation probabilities
/// of the 8 terms (columns) over the candidates (rows), and below them the input probabilities (inputs a term cannot
/// read are grey). Each cell prints its probability and the most likely choice of each term is outlined, so the
/// most likely genotype can be read off the figure. Given the derivation of the run's pi, the outline marks the
/// derived choice: solid red where the margin over the runner-up is above the noise of the estimate, dashed grey
/// where it is not (or was a tie), so that a pick among near-equal values does not look like a result.
/// </summary>
internal static class PiFinalPlot
{
    public const int Width = 1600;
    public const int Height = 1150;

    public static byte[]? Render(PiHistory history, Prior.DerivedGenotype? derived = null)
    {
        if (history.Snapshots.Count == 0) return null;
        var last = history.Snapshots[^1];
        var space = history.Space;
        var inputNames = Enumerable.Range(0, space.MaxInputs).Select(CellNames.Input).ToList();
        var plots = new List<Plot>
        {
            Heatmap($"normal cell: operation probabilities (iteration {last.Iteration}){Legend(derived)}", last.Normal.Ops, space.Ops, colorBar: false, Picks(derived, CellType.Normal, false)),
            Heatmap($"reduction cell: operation probabilities (iteration {last.Iteration})", last.Reduce.Ops, space.Ops, colorBar: true, Picks(derived, CellType.Reduce, false)),
            Heatmap("normal cell: input probabilities", last.Normal.Inputs, inputNames, colorBar: false, Picks(derived, CellType.Normal, true)),
            Heatmap("reduction cell: input probabilities", last.Reduce.Inputs, inputNames, colorBar: true, Picks(derived, CellType.Reduce, true)),
        };
        var figure = ReportStyle.Figure(plots, new ScottPlot.MultiplotLayouts.Grid(2, 2));
        return ReportStyle.ToPng(figure, Width, Height);
    }

    /// <summary>Choices run down the rows and terms across the columns: the long operation names then sit horizontally on the y axis.</summary>
    private static string Legend(Prior.DerivedGenotype? derived) => derived is null ? "" : " · solid: decided, dashed: within noise";

    /// <summary>Per term the derived choice and whether it is decided; null outlines the argmax of the logged probabilities.</summary>
    private static (int Chosen, bool Decided)[]? Picks(Prior.DerivedGenotype? derived, CellType type, bool inputs) =>
        derived?.Choices.Where(c => c.Cell == type && c.IsInput == inputs).OrderBy(c => c.Term).Select(c => (c.Chosen, c.Decided)).ToArray();

    private static Plot Heatmap(string title, IReadOnlyList<double[]> terms, IReadOnlyList<string> choices, bool colorBar, (int Chosen, bool Decided)[]? picks)
    {
        var plot = new Plot();
        ReportStyle.Apply(plot);
        int rows = choices.Count, columns = terms.Count;
        var values = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                values[r, c] = r < terms[c].Length ? terms[c][r] : double.NaN;

        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        map.NaNCellColor = Color.FromHex("#e8e8e8");
        if (colorBar) plot.Add.ColorBar(map);

        // The heatmap draws row 0 at the top, at y = rows - 1, and column c at x = c.
        double Y(int row) => rows - 1 - row;
        for (int c = 0; c < columns; c++)
        {
            int best = picks?[c].Chosen ?? CellPi.ArgMax(terms[c]);
            for (int r = 0; r < terms[c].Length; r++)
            {
                double p = terms[c][r];
                var text = plot.Add.Text(p.ToString("0.00", CultureInfo.InvariantCulture), c, Y(r));
                text.Alignment = Alignment.MiddleCenter;
                text.LabelFontSize = 13;
                text.LabelBold = r == best;
                // Viridis is dark below about 0.6: light text there, dark text on the yellow end.
                text.LabelFontColor = p < 0.6 ? Colors.White : Colors.Black;
            }
            var box = plot.Add.Rectangle(c - 0.5, c + 0.5, Y(best) - 0.5, Y(best) + 0.5);
            box.FillStyle.Color = Colors.Transparent;
            bool decided = picks?[c].Decided ?? true;
            box.LineColor = decided ? Color.FromHex("#d62728") : Color.FromHex("#9a9a9a");
            box.LineWidth = 3;
            if (!decided) box.LinePattern = LinePattern.Dashed;
        }

        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => Y(r)).ToArray(), choices.ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => (double)c).ToArray(), Enumerable.Range(0, columns).Select(CellNames.Term).ToArray());
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Axes.SetLimits(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.XLabel("term (intermediate node, first or second input)", 12);
        plot.HideGrid();
        plot.Title(title, 15);
        return plot;
    }
}
