using Parsec.Search.Space;
using ScottPlot;
using SkiaSharp;

namespace Parsec.Search.Reports;

/// <summary>Look shared by every report image, so that an operation has one colour in all of them (and in the cell graph).</summary>
internal static class ReportStyle
{
    /// <summary>Colours per input index (c_{k-2}, c_{k-1}, node 0, node 1, node 2), chosen apart from the operation colours.</summary>
    private static readonly string[] InputHex = ["#6a51a3", "#bcbddc", "#17becf", "#bcbd22", "#e377c2"];

    /// <summary>The colour a primitive is declared with (<see cref="Primitives.Declared"/>), the same in every report image.</summary>
    public static string OpColorHex(string op) => Primitives.Get(op).Colour;
    public static Color OpColor(string op) => Color.FromHex(OpColorHex(op));
    public static Color InputColor(int index) => Color.FromHex(InputHex[index % InputHex.Length]);

    /// <summary>Series colours for line charts where two or three quantities share a panel.</summary>
    public static readonly Color Primary = Color.FromHex("#1f77b4");
    public static readonly Color Secondary = Color.FromHex("#d62728");

    private static readonly Lazy<string?> SansFont = new(FindSansFont);

    /// <summary>Uses a sans-serif face when the machine has one; ScottPlot's own pick is otherwise used as it is.</summary>
    public static void Apply(Plot plot)
    {
        if (SansFont.Value is { } font) plot.Font.Set(font);
    }

    /// <summary>A figure holding exactly <paramref name="plots"/>, in order (a new Multiplot starts with a blank plot of its own).</summary>
    public static Multiplot Figure(IReadOnlyList<Plot> plots, IMultiplotLayout layout)
    {
        var figure = new Multiplot(plots[0]);
        foreach (var plot in plots.Skip(1)) figure.AddPlot(plot);
        figure.Layout = layout;
        return figure;
    }

    /// <summary>Renders a figure to PNG bytes in memory so the caller can write them atomically.</summary>
    public static byte[] ToPng(Multiplot figure, int width, int height)
    {
        using var image = figure.Render(width, height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    /// <summary>
    /// Indices of at most <paramref name="max"/> evenly spread points, always keeping the first and the last, so
    /// that a long search plots fast and its final state is never dropped.
    /// </summary>
    public static int[] Thin(int count, int max)
    {
        if (count <= max) return Enumerable.Range(0, count).ToArray();
        var idx = new int[max];
        for (int i = 0; i < max; i++)
            idx[i] = (int)Math.Round((double)i * (count - 1) / (max - 1));
        return idx;
    }

    private static string? FindSansFont()
    {
        string[] preferred = ["DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica", "FreeSans"];
        try
        {
            var families = new HashSet<string>(SKFontManager.Default.FontFamilies, StringComparer.OrdinalIgnoreCase);
            return preferred.FirstOrDefault(families.Contains);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException)
        {
            // Without the native font manager ScottPlot still renders with its fallback face.
            return null;
        }
    }
}
