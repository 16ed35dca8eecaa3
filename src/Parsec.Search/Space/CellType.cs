namespace Parsec.Search.Space;

/// <summary>The two cell kinds of the DARTS space: every normal cell shares one architecture, every reduction cell another.</summary>
public enum CellType
{
    Normal,
    /// <summary>Stride 2 on the cell inputs and doubled channels: at depth L/3 and 2L/3.</summary>
    Reduce,
}

internal static class CellTypes
{
    public static readonly IReadOnlyList<CellType> All = [CellType.Normal, CellType.Reduce];

    /// <summary>The name used in JSON files and parameter names ("normal", "reduce").</summary>
    public static string JsonName(this CellType type) => type == CellType.Normal ? "normal" : "reduce";
}
