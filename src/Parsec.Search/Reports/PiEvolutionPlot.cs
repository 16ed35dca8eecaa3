using Parsec.Search.Space;
using ScottPlot;

namespace Parsec.Search.Reports;

/// <summary>
/// How pi of one cell type moved during the search. One row per intermediate node; in each row the operation
/// distribution of its two terms, then their input distributions. Each panel stacks the probabilities (the bands
/// always fill 0..1), so the dominant choice is the widest band and a collapse onto one choice is a band swallowing
/// the panel. Panel titles name the run's chosen value (genotype.json: with distinct inputs per node, a term's input
/// is chosen jointly with its partner's, so it need not be the widest band of its own panel) and its final
/// probability; a band at the top of the figure is the shared legend.
/// </summary>
internal static class PiEvolutionPlot
{
    public const int Width = 1800;
    public const int HeaderHeight = 120;
    public const int PanelHeight = 270;
    private const int Columns = 4;
    private const int MaxPlottedPoints = 600;

    /// <param name="chosen">The run's genotype, whose choices the panel titles name; null names each panel's own most likely value.</param>
    public static byte[]? Render(PiHistory history, bool reduction, Genotype? chosen = null)
    {
        if (history.Snapshots.Count == 0) return null;
        var snapshots = history.Snapshots;
        var idx = ReportStyle.Thin(snapshots.Count, MaxPlottedPoints);
        double[] x = idx.Select(i => (double)snapshots[i].Iteration).ToArray();
        var cells = idx.Select(i => reduction ? snapshots[i].Reduce : snapshots[i].Normal).ToArray();

        string xLabel = "iteration";
        bool single = x.Length == 1;
        // A single snapshot is drawn as a narrow band around its iteration rather than as an invisible zero-width area.
        if (x.Length == 1)
        {
            x = [x[0] - 0.5, x[0] + 0.5];
            cells = [cells[0], cells[0]];
        }
        else if (x[^1] <= x[0])
        {
            // Snapshots that all carry one iteration number (a writer that repeats one iteration number) are spread by order.
            x = idx.Select(i => (double)i).ToArray();
            xLabel = "snapshot";
        }

        var plots = new List<Plot> { Header(reduction, snapshots.Count, snapshots[^1].Iteration, history.Space) };
        var space = history.Space;
        int rows = space.Nodes;
        for (int node = 0; node < rows; node++)
        {
            for (int column = 0; column < Columns; column++)
            {
                int term = node * CellLayout.TermsPerNode + column % CellLayout.TermsPerNode;
                bool ops = column < CellLayout.TermsPerNode;
                var plot = ops
                    ? Stacked(x, cells.Select(c => c.Ops[term]).ToArray(), space.Ops, i => ReportStyle.OpColor(space.Ops[i]))
                    : Stacked(x, cells.Select(c => c.Inputs[term]).ToArray(),
                        Enumerable.Range(0, CellLayout.InputsOfTerm(term)).Select(CellNames.Input).ToList(), ReportStyle.InputColor);

                plot.Title(PanelTitle(cells[^1], term, ops, chosen is null ? null : reduction ? chosen.Reduce : chosen.Normal), 13);
                if (column == 0) plot.YLabel("probability (stacked)", 12);
                if (node == rows - 1) plot.XLabel(xLabel, 12);
                // Automatic ticks over the one-unit band of a lone snapshot would repeat its iteration five times.
                if (single) plot.Axes.Bottom.SetTicks([snapshots[0].Iteration], [snapshots[0].Iteration.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                plots.Add(plot);
            }
        }
        var figure = ReportStyle.Figure(plots, new HeaderGridLayout(HeaderHeight, rows, Columns));
        return ReportStyle.ToPng(figure, Width, HeaderHeight + rows * PanelHeight);
    }

    /// <summary>"term · operation → sep_conv_3x3 (0.41)": the chosen value of a term (from <paramref name="chosen"/> when given) and its final probability.</summary>
    public static string PanelTitle(CellPi final, int term, bool ops, IReadOnlyList<GenotypeTerm>? chosen)
    {
        var probabilities = ops ? final.Ops[term] : final.Inputs[term];
        int value = chosen is null ? CellPi.ArgMax(probabilities) : ops ? final.Space.IndexOf(chosen[term].Op) : chosen[term].Input;
        string name = ops ? final.Space.Ops[value] : CellNames.Input(value);
        return $"{CellNames.Term(term)} · {(ops ? "operation" : "input")} → {name} ({probabilities[value]:0.00})";
    }

    private static Plot Stacked(double[] x, double[][] probabilities, IReadOnlyList<string> names, Func<int, Color> color)
    {
        var plot = new Plot();
        ReportStyle.Apply(plot);
        int n = names.Count;
        var lower = new double[x.Length];
        for (int i = 0; i < n; i++)
        {
            var upper = new double[x.Length];
            for (int t = 0; t < x.Length; t++)
                upper[t] = lower[t] + probabilities[t][i];
            var band = plot.Add.FillY(x, lower, upper);
            band.FillColor = color(i);
            band.LineWidth = 0;
            band.LegendText = "";
            lower = upper;
        }
        plot.Axes.SetLimits(x[0], x[^1], 0, 1);
        plot.HideLegend();
        return plot;
    }

    /// <summary>Title and the two legends (operations, inputs) shared by every panel.</summary>
    private static Plot Header(bool reduction, int snapshots, long lastIteration, SearchSpace space)
    {
        var plot = new Plot();
        ReportStyle.Apply(plot);
        plot.HideAxesAndGrid();
        plot.Title($"π of the {CellNames.Cell(reduction)} cell during the search ({snapshots} snapshot{(snapshots == 1 ? "" : "s")}, last at iteration {lastIteration})", 18);

        var ops = plot.Legend;
        ops.ManualItems.AddRange(space.Ops.Select(op => new LegendItem { LabelText = op, FillColor = ReportStyle.OpColor(op) }));
        ops.Orientation = Orientation.Horizontal;
        ops.Alignment = Alignment.UpperCenter;
        ops.FontSize = 14;
        ops.IsVisible = true;

        var inputs = plot.Add.Legend();
        inputs.ManualItems.AddRange(Enumerable.Range(0, space.MaxInputs)
            .Select(i => new LegendItem { LabelText = $"input {CellNames.Input(i)}", FillColor = ReportStyle.InputColor(i) }));
        inputs.DisplayPlottableLegendItems = false;
        inputs.Orientation = Orientation.Horizontal;
        inputs.Alignment = Alignment.LowerCenter;
        inputs.FontSize = 14;
        return plot;
    }
}
