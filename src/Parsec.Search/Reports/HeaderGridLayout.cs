using ScottPlot;

namespace Parsec.Search.Reports;

/// <summary>
/// Multiplot layout with a full-width band on top (the first subplot: the figure's title and shared legend) and a
/// grid of equal panels below, filled row by row. ScottPlot's own grid gives every subplot the same size, which
/// would leave a legend-only plot as large as a data panel.
/// </summary>
internal sealed class HeaderGridLayout(float headerHeight, int rows, int columns) : IMultiplotLayout
{
    public PixelRect[] GetSubplotRectangles(SubplotCollection subplots, PixelRect figureRect)
    {
        var rects = new PixelRect[subplots.Count];
        if (rects.Length == 0) return rects;
        float top = figureRect.Top;
        float header = Math.Min(headerHeight, figureRect.Height);
        rects[0] = new PixelRect(figureRect.Left, figureRect.Right, top + header, top);
        float cellWidth = figureRect.Width / columns;
        float cellHeight = (figureRect.Height - header) / rows;
        for (int i = 1; i < rects.Length; i++)
        {
            int row = (i - 1) / columns, column = (i - 1) % columns;
            float left = figureRect.Left + column * cellWidth;
            float cellTop = top + header + row * cellHeight;
            rects[i] = new PixelRect(left, left + cellWidth, cellTop + cellHeight, cellTop);
        }
        return rects;
    }
}
