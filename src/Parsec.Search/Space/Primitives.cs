namespace Parsec.Search.Space;

/// <summary>
/// The operations a search space may offer, as data: each declared once. Adding a primitive is one line in
/// <see cref="Declared"/>; the network, the ONNX export and the reports take it from there, and a user-defined
/// <see cref="SearchSpace"/> may then name it (the DARTS space keeps its own seven).
/// </summary>
internal static class Primitives
{
    public const string MaxPool3x3 = "max_pool_3x3";
    public const string AvgPool3x3 = "avg_pool_3x3";
    public const string SkipConnect = "skip_connect";
    public const string SepConv3x3 = "sep_conv_3x3";
    public const string SepConv5x5 = "sep_conv_5x5";
    public const string DilConv3x3 = "dil_conv_3x3";
    public const string DilConv5x5 = "dil_conv_5x5";
    public const string SepConv7x7 = "sep_conv_7x7";
    public const string DilConv7x7 = "dil_conv_7x7";
    public const string Conv7x1And1x7 = "conv_7x1_1x7";

    /// <summary>
    /// The candidates a term may choose among: DARTS' seven, then NASNet's larger separable convolution, a dilated
    /// one of the same kernel and NASNet's 1x7-then-7x1 convolution. DARTS' `none` is left out: it is never chosen in a
    /// final cell. Colours: pools orange, separable convolutions blue, dilated convolutions green (a larger kernel
    /// lighter), the asymmetric convolution purple, and skip_connect red,
    /// because a drift towards skip connections is the failure a reader most needs to spot.
    /// </summary>
    public static readonly IReadOnlyList<Primitive> Declared =
    [
        new(MaxPool3x3, OpFamily.MaxPool, Kernel: 3, Dilation: 1, "#ff7f0e"),
        new(AvgPool3x3, OpFamily.AveragePool, Kernel: 3, Dilation: 1, "#ffbb78"),
        new(SkipConnect, OpFamily.Skip, Kernel: 1, Dilation: 1, "#d62728"),
        new(SepConv3x3, OpFamily.SeparableConvolution, Kernel: 3, Dilation: 1, "#1f77b4"),
        new(SepConv5x5, OpFamily.SeparableConvolution, Kernel: 5, Dilation: 1, "#9ecae1"),
        new(DilConv3x3, OpFamily.DilatedConvolution, Kernel: 3, Dilation: 2, "#2ca02c"),
        new(DilConv5x5, OpFamily.DilatedConvolution, Kernel: 5, Dilation: 2, "#a1d99b"),
        new(SepConv7x7, OpFamily.SeparableConvolution, Kernel: 7, Dilation: 1, "#c6dbef"),
        new(DilConv7x7, OpFamily.DilatedConvolution, Kernel: 7, Dilation: 2, "#c7e9c0"),
        new(Conv7x1And1x7, OpFamily.AsymmetricConvolution, Kernel: 7, Dilation: 1, "#9467bd"),
    ];

    /// <summary>The declared names, in order.</summary>
    public static readonly IReadOnlyList<string> All = [.. Declared.Select(p => p.Name)];

    public static int IndexOf(string name)
    {
        for (int i = 0; i < All.Count; i++)
            if (All[i] == name) return i;
        throw new BadInputException($"unknown operation '{name}'; expected one of: {string.Join(", ", All)}");
    }

    /// <summary>The declaration of <paramref name="name"/>; an unknown name is refused with the list of known ones.</summary>
    public static Primitive Get(string name) => Declared[IndexOf(name)];
}
