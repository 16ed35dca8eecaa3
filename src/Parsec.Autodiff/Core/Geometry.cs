namespace Parsec.Autodiff;

/// <summary>Shape of a 4-D NCHW tensor.</summary>
public readonly record struct Shape4(int N, int C, int H, int W)
{
    public long Length => (long)N * C * H * W;
    public int[] ToArray() => [N, C, H, W];

    public static Shape4 From(IReadOnlyList<int> shape)
    {
        if (shape.Count != 4)
            throw new ArgumentException($"expected a 4-D (N, C, H, W) shape, got ({string.Join(", ", shape)})", nameof(shape));
        return new Shape4(shape[0], shape[1], shape[2], shape[3]);
    }

    public override string ToString() => $"({N}, {C}, {H}, {W})";
}

/// <summary>
/// A 2-D convolution without bias: x (N, InC, H, W) * w (OutC, InC / Groups, KernelH, KernelW) -> y (N, OutC, OutH, OutW).
/// Kernel, stride and padding may differ between height and width (NASNet's 1x7 and 7x1 convolutions); the dilation
/// is the same along both. Most convolutions are square: the seven-argument constructor and <see cref="Kernel"/>,
/// <see cref="Stride"/> and <see cref="Padding"/> serve them, and the last three refuse a rectangular geometry, so
/// that code written for square kernels (the depthwise paths) cannot silently read half of one.
/// </summary>
public readonly record struct Conv2dGeometry(Shape4 Input, int OutChannels, int KernelH, int KernelW, int StrideH, int StrideW,
    int PaddingH, int PaddingW, int Dilation, int Groups)
{
    /// <summary>A square kernel, stride and padding.</summary>
    public Conv2dGeometry(Shape4 Input, int OutChannels, int Kernel, int Stride, int Padding, int Dilation, int Groups)
        : this(Input, OutChannels, Kernel, Kernel, Stride, Stride, Padding, Padding, Dilation, Groups) { }

    public bool IsSquare => KernelH == KernelW && StrideH == StrideW && PaddingH == PaddingW;
    public int Kernel => IsSquare ? KernelH : throw Rectangular(nameof(Kernel));
    public int Stride => IsSquare ? StrideH : throw Rectangular(nameof(Stride));
    public int Padding => IsSquare ? PaddingH : throw Rectangular(nameof(Padding));

    public int OutH => (Input.H + 2 * PaddingH - Dilation * (KernelH - 1) - 1) / StrideH + 1;
    public int OutW => (Input.W + 2 * PaddingW - Dilation * (KernelW - 1) - 1) / StrideW + 1;
    public Shape4 Output => new(Input.N, OutChannels, OutH, OutW);
    public int InChannelsPerGroup => Input.C / Groups;
    public int OutChannelsPerGroup => OutChannels / Groups;
    public int[] WeightShape => [OutChannels, Input.C / Groups, KernelH, KernelW];
    public long WeightLength => (long)OutChannels * (Input.C / Groups) * KernelH * KernelW;
    /// <summary>Multiply-adds of the forward pass: one per weight per output position per example.</summary>
    public long MultiplyAdds => (long)Input.N * OutChannels * OutH * OutW * InChannelsPerGroup * KernelH * KernelW;

    public void Validate()
    {
        if (KernelH < 1 || KernelW < 1 || StrideH < 1 || StrideW < 1 || Dilation < 1 || PaddingH < 0 || PaddingW < 0 || Groups < 1)
            throw new ArgumentException($"invalid convolution {this}: kernel, stride, dilation and groups must be >= 1 and padding >= 0");
        if (Input.C % Groups != 0 || OutChannels % Groups != 0)
            throw new ArgumentException($"convolution groups={Groups} must divide input channels {Input.C} and output channels {OutChannels}");
        if (OutH < 1 || OutW < 1)
            throw new ArgumentException($"convolution {this} produces an empty output for input {Input}");
    }

    /// <summary>Written out by hand: the synthesized form would read <see cref="Kernel"/>, which a rectangular geometry refuses.</summary>
    public override string ToString() =>
        $"Conv2dGeometry {{ Input = {Input}, OutChannels = {OutChannels}, Kernel = {KernelH}x{KernelW}, Stride = {StrideH}x{StrideW}, Padding = {PaddingH}x{PaddingW}, Dilation = {Dilation}, Groups = {Groups} }}";

    private InvalidOperationException Rectangular(string property) =>
        new($"{property} of a rectangular convolution ({KernelH}x{KernelW} kernel, stride {StrideH}x{StrideW}, padding {PaddingH}x{PaddingW}): this path handles square ones only");
}

public enum PoolKind
{
    Max,
    /// <summary>Average over the window's in-bounds elements only (PyTorch count_include_pad=False).</summary>
    AverageExcludePadding,
}

/// <summary>A 2-D pooling window over x (N, C, H, W).</summary>
public readonly record struct Pool2dGeometry(Shape4 Input, PoolKind Kind, int Kernel, int Stride, int Padding)
{
    public int OutH => (Input.H + 2 * Padding - Kernel) / Stride + 1;
    public int OutW => (Input.W + 2 * Padding - Kernel) / Stride + 1;
    public Shape4 Output => Input with { H = OutH, W = OutW };

    public void Validate()
    {
        if (Kernel < 1 || Stride < 1 || Padding < 0 || Padding * 2 > Kernel)
            throw new ArgumentException($"invalid pooling {this}: padding must be at most half the kernel");
        if (OutH < 1 || OutW < 1)
            throw new ArgumentException($"pooling {this} produces an empty output for input {Input}");
    }
}

/// <summary>A spatial window of x (N, C, H, W): the slice x[:, :, OffH:OffH+Height, OffW:OffW+Width].</summary>
public readonly record struct SpatialWindow(Shape4 Input, int OffH, int OffW, int Height, int Width)
{
    public Shape4 Output => Input with { H = Height, W = Width };

    public void Validate()
    {
        if (OffH < 0 || OffW < 0 || Height < 1 || Width < 1 || OffH + Height > Input.H || OffW + Width > Input.W)
            throw new ArgumentException($"SliceSpatial: window at ({OffH}, {OffW}) of size {Height}x{Width} is outside {Input}");
    }
}

/// <summary>Hyper-parameters of one SGD step (PyTorch semantics: weight decay added to the gradient, then momentum; DARTS uses no Nesterov).</summary>
public readonly record struct SgdStep(double LearningRate, double Momentum, double WeightDecay);

/// <summary>Hyper-parameters of one Adam step (PyTorch semantics: L2 weight decay added to the gradient); Step counts from 1.</summary>
public readonly record struct AdamStep(double LearningRate, double Beta1, double Beta2, double Epsilon, double WeightDecay, int Step);
