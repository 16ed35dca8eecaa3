namespace Parsec.Search.Space;

/// <summary>The DARTS operation space, as data: the candidate names in a fixed order (indices are stored in pi).</summary>
public static class Primitives
{
    public const string MaxPool3x3 = "max_pool_3x3";
    public const string AvgPool3x3 = "avg_pool_3x3";
    public const string SkipConnect = "skip_connect";
    public const string SepConv3x3 = "sep_conv_3x3";
    public const string SepConv5x5 = "sep_conv_5x5";
    public const string DilConv3x3 = "dil_conv_3x3";
    public const string DilConv5x5 = "dil_conv_5x5";

    /// <summary>The candidates a term chooses among. DARTS' `none` is left out: it is never chosen in a final cell.</summary>
    public static readonly IReadOnlyList<string> All = [MaxPool3x3, AvgPool3x3, SkipConnect, SepConv3x3, SepConv5x5, DilConv3x3, DilConv5x5];

    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Count; i++)
            if (All[i] == name) return i;
        throw new ArgumentException($"unknown operation '{name}'; expected one of: {string.Join(", ", All)}");
    }
}
