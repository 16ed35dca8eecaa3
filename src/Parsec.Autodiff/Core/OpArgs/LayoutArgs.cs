namespace Parsec.Autodiff;

/// <summary>
/// dst[:, DstOffset:DstOffset+Count] (+)= src[:, SrcOffset:SrcOffset+Count] along channels; N, H and W equal
/// (concatenation forward, and its backward).
/// </summary>
public sealed record CopyChannelsArgs
{
    public CopyChannelsArgs(Storage src, Shape4 srcShape, int srcOffset, Storage dst, Shape4 dstShape, int dstOffset, int count, bool accumulate)
    {
        var check = new OpCheck("CopyChannels");
        check.Floats(src, dst);
        check.Length(src, srcShape.Length, "src", srcShape);
        check.Length(dst, dstShape.Length, "dst", dstShape);
        if (srcShape.N != dstShape.N || srcShape.H != dstShape.H || srcShape.W != dstShape.W)
            throw check.Error($"{srcShape} and {dstShape} differ outside the channel axis");
        if (count < 0 || srcOffset < 0 || dstOffset < 0 || srcOffset + count > srcShape.C || dstOffset + count > dstShape.C)
            throw check.Error($"channels [{srcOffset}, {srcOffset + count}) of {srcShape} into [{dstOffset}, {dstOffset + count}) of {dstShape} are out of range");
        (Src, SrcShape, SrcOffset, Dst, DstShape, DstOffset, Count, Accumulate) = (src, srcShape, srcOffset, dst, dstShape, dstOffset, count, accumulate);
    }

    public Storage Src { get; }  // SrcShape (N, C, H, W)
    public Shape4 SrcShape { get; }
    public int SrcOffset { get; }
    public Storage Dst { get; }  // DstShape (N, C', H, W)
    public Shape4 DstShape { get; }
    public int DstOffset { get; }
    public int Count { get; }
    public bool Accumulate { get; }
}

/// <summary>y = the window of x (the factorized reduction reads x[:, :, 1:, 1:]).</summary>
public sealed record SliceSpatialArgs
{
    public SliceSpatialArgs(SpatialWindow window, Storage x, Storage y)
    {
        var check = new OpCheck("SliceSpatial");
        window.Validate();
        check.Floats(x, y);
        check.Length(x, window.Input.Length, "the sliced tensor", window.Input);
        check.Length(y, window.Output.Length, "the slice", window.Output);
        (Window, X, Y) = (window, x, y);
    }

    public SpatialWindow Window { get; }
    public Storage X { get; }  // Window.Input (N, C, H, W)
    public Storage Y { get; }  // Window.Output (N, C, Height, Width)
}

/// <summary>dx (+)= the slice's adjoint: dy placed at the window in a tensor of x's shape, zeros elsewhere.</summary>
public sealed record SliceSpatialBackwardArgs
{
    public SliceSpatialBackwardArgs(SpatialWindow window, Storage dy, Storage dx, bool accumulate)
    {
        var check = new OpCheck("SliceSpatialBackward");
        window.Validate();
        check.Floats(dy, dx);
        check.Length(dx, window.Input.Length, "the sliced tensor", window.Input);
        check.Length(dy, window.Output.Length, "the slice", window.Output);
        (Window, Dy, Dx, Accumulate) = (window, dy, dx, accumulate);
    }

    public SpatialWindow Window { get; }
    public Storage Dy { get; }  // Window.Output (N, C, Height, Width)
    public Storage Dx { get; }  // Window.Input (N, C, H, W)
    public bool Accumulate { get; }
}
