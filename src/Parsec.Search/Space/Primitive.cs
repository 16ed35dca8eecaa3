namespace Parsec.Search.Space;

/// <summary>
/// The kinds of operation a primitive can be. Each family is built (Model/Ops/OpFactory), exported to ONNX
/// (Export/OnnxCellEmitter) and costed by one piece of code; a primitive picks a family and sizes it.
/// </summary>
internal enum OpFamily
{
    /// <summary>3x3 max pooling, padding 1; in the search phase followed by a batch norm, as in DARTS.</summary>
    MaxPool,
    /// <summary>3x3 average pooling that excludes the padding, as max pooling otherwise.</summary>
    AveragePool,
    /// <summary>The identity at stride 1, a factorized reduction at stride 2.</summary>
    Skip,
    /// <summary>DARTS' sep_conv: two ReLU, depthwise k x k, pointwise 1x1, BN blocks, the first with the stride.</summary>
    SeparableConvolution,
    /// <summary>DARTS' dil_conv: one ReLU, dilated depthwise k x k, pointwise 1x1, BN block.</summary>
    DilatedConvolution,
    /// <summary>
    /// NASNet's conv_7x1_1x7 (as DARTS' operations.py builds it): ReLU, a full 1 x k convolution with stride (1, s),
    /// a full k x 1 convolution with stride (s, 1), BN. Two C x C convolutions: it costs far more than a separable one.
    /// </summary>
    AsymmetricConvolution,
}

/// <summary>
/// One candidate operation, declared once in <see cref="Primitives.Declared"/>. Everything else derives from the
/// declaration: the network's op, its ONNX form, its colour in every report, pi's shape and random genotypes.
/// </summary>
/// <param name="Name">As genotypes, pi.json and parameter names spell it.</param>
/// <param name="Kernel">The side of the (depthwise) kernel; 3 for the pools, whose kernels are 3x3; the long side of an asymmetric convolution's 1 x k and k x 1.</param>
/// <param name="Dilation">1 except for dilated convolutions.</param>
/// <param name="Colour">Its colour in plots and cell graphs ("#rrggbb"): a family shares a hue, a larger kernel is lighter.</param>
internal sealed record Primitive(string Name, OpFamily Family, int Kernel, int Dilation, string Colour)
{
    /// <summary>Padding that keeps a stride-1 output the size of its input.</summary>
    public int Padding => Dilation * (Kernel - 1) / 2;

    /// <summary>Whether the declaration is one the engine can build: odd kernels, 3x3 pools, a dilation only where the family dilates.</summary>
    public string? Problem() => this switch
    {
        _ when Kernel < 1 || Kernel % 2 == 0 => $"primitive '{Name}': kernel {Kernel} must be odd and positive",
        { Family: OpFamily.MaxPool or OpFamily.AveragePool, Kernel: not 3 } => $"primitive '{Name}': pools are 3x3, not {Kernel}x{Kernel}",
        { Family: not OpFamily.DilatedConvolution, Dilation: not 1 } => $"primitive '{Name}': only a dilated convolution has a dilation other than 1",
        { Family: OpFamily.DilatedConvolution, Dilation: < 2 } => $"primitive '{Name}': a dilated convolution needs a dilation of at least 2",
        _ => null,
    };
}
