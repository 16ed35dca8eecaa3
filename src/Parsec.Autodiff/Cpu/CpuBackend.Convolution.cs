using System.Buffers;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Convolutions as GEMMs per sample and group on the input unfolded by <see cref="Im2Col"/>. A 1x1 stride-1
/// unpadded convolution multiplies with the input plane itself (CpuBackend.PointwiseConvolution.cs); convolutions
/// with one input channel per group (depthwise) and a square window take the direct path in <see cref="DepthwiseConvolution"/>.
/// A fused input ReLU is applied where the input is copied anyway (unfolding, padding, packing); its gradient
/// masks the data gradient per sample while it is in cache.
/// </summary>
public sealed partial class CpuBackend
{
    public void Conv2dForward(Conv2dForwardArgs a)
    {
        if (IsDouble(a.X)) ConvForward(a.Geometry, Arr<double>(a.X), Arr<double>(a.W), Arr<double>(a.Y), a.ReluInput);
        else ConvForward(a.Geometry, Arr<float>(a.X), Arr<float>(a.W), Arr<float>(a.Y), a.ReluInput);
    }

    public void Conv2dBackwardData(Conv2dBackwardDataArgs a)
    {
        if (IsDouble(a.Dy)) ConvBackwardData(a.Geometry, Arr<double>(a.Dy), Arr<double>(a.W), Arr<double>(a.Dx), a.Accumulate, OrNull<double>(a.ReluMask));
        else ConvBackwardData(a.Geometry, Arr<float>(a.Dy), Arr<float>(a.W), Arr<float>(a.Dx), a.Accumulate, OrNull<float>(a.ReluMask));
    }

    public void Conv2dBackwardFilter(Conv2dBackwardFilterArgs a)
    {
        if (IsDouble(a.X)) ConvBackwardFilter(a.Geometry, Arr<double>(a.X), Arr<double>(a.Dy), Arr<double>(a.Dw), a.Accumulate, a.ReluInput);
        else ConvBackwardFilter(a.Geometry, Arr<float>(a.X), Arr<float>(a.Dy), Arr<float>(a.Dw), a.Accumulate, a.ReluInput);
    }

    private static int ColumnRows(Conv2dGeometry g) => g.InChannelsPerGroup * g.KernelH * g.KernelW;

    /// <summary>One input channel per group and a square window: the direct path. A rectangular one takes the GEMM path.</summary>
    private static bool IsDepthwise(Conv2dGeometry g) => g.InChannelsPerGroup == 1 && g.IsSquare;

    /// <summary>One sample's group of input channels unfolded (through the ReLU, with relu) into col: the (kdim, outPlane) GEMM operand.</summary>
    private static MatrixView<T> InputColumns<T>(Conv2dGeometry g, T[] x, int xOffset, T[] col, bool relu, bool transposed)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Im2Col.Unfold(g, x, xOffset, g.InChannelsPerGroup, col, relu);
        return new MatrixView<T>(col, 0, g.OutH * g.OutW, transposed);
    }

    private static void ConvForward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (IsDepthwise(g))
        {
            DepthwiseConvolution.Forward(g, x, w, y, relu);
            return;
        }
        if (IsPointwise(g))
        {
            PointwiseForward(g, x, w, y, relu);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        CpuParallel.For(g.Input.N, (long)g.OutChannels * kdim * outPlane, n =>
        {
            var col = ArrayPool<T>.Shared.Rent(kdim * outPlane);
            try
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    var b = InputColumns(g, x, (n * g.Input.C + grp * icg) * inPlane, col, relu, transposed: false);
                    var a = new MatrixView<T>(w, grp * ocg * kdim, kdim, false);
                    GemmKernel<T>.Multiply(ocg, outPlane, kdim, T.One, a, b, T.Zero, y, (n * g.OutChannels + grp * ocg) * outPlane, outPlane);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(col);
            }
        });
    }

    /// <param name="reluMask">The forward input when the convolution read max(x, 0): each sample's gradient is masked by x > 0.</param>
    private static void ConvBackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, T[]? reluMask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (IsDepthwise(g))
        {
            DepthwiseConvolution.BackwardData(g, dy, w, dx, accumulate, reluMask);
            return;
        }
        if (IsPointwise(g))
        {
            PointwiseBackwardData(g, dy, w, dx, accumulate, reluMask);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W, sampleLength = g.Input.C * inPlane;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        CpuParallel.For(g.Input.N, (long)g.OutChannels * kdim * outPlane, n =>
        {
            var col = ArrayPool<T>.Shared.Rent(kdim * outPlane);
            // With a ReLU mask the sample's unmasked gradient is built in scratch first, then masked into dx.
            T[]? unmasked = reluMask is null ? null : ArrayPool<T>.Shared.Rent(sampleLength);
            var (target, targetOffset, add) = unmasked is null ? (dx, n * sampleLength, accumulate) : (unmasked, 0, false);
            try
            {
                if (!add) target.AsSpan(targetOffset, sampleLength).Clear();
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    // W_g^T (kdim, ocg) * dy_g (ocg, outPlane), folded back onto the input plane
                    var a = new MatrixView<T>(w, grp * ocg * kdim, kdim, true);
                    var b = new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * outPlane, outPlane, false);
                    GemmKernel<T>.Multiply(kdim, outPlane, ocg, T.One, a, b, T.Zero, col, 0, outPlane);
                    Im2Col.FoldAdd(g, col, target, targetOffset + grp * icg * inPlane, icg);
                }
                if (unmasked is not null)
                    VectorMath.MaskedCopyOrAdd<T>(unmasked.AsSpan(0, sampleLength), reluMask.AsSpan(n * sampleLength, sampleLength),
                        dx.AsSpan(n * sampleLength, sampleLength), accumulate);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(col);
                if (unmasked is not null) ArrayPool<T>.Shared.Return(unmasked);
            }
        });
    }

    private static void ConvBackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (IsDepthwise(g))
        {
            DepthwiseConvolution.BackwardFilter(g, x, dy, dw, accumulate, relu);
            return;
        }
        if (IsPointwise(g))
        {
            PointwiseBackwardFilter(g, x, dy, dw, accumulate, relu);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        int weightLength = (int)g.WeightLength;
        // Each range of samples sums into its own partial filter gradient; the partials are then added in
        // range order, so the result does not depend on which thread finished first.
        int ranges = CpuParallel.RangeCount(g.Input.N, (long)g.OutChannels * kdim * outPlane);
        var partials = new T[ranges][];
        try
        {
            CpuParallel.ForRanges(g.Input.N, (long)g.OutChannels * kdim * outPlane, (r, start, end) =>
            {
                var partial = partials[r] = ArrayPool<T>.Shared.Rent(weightLength);
                var col = ArrayPool<T>.Shared.Rent(kdim * outPlane);
                try
                {
                    for (int n = start; n < end; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            var b = InputColumns(g, x, (n * g.Input.C + grp * icg) * inPlane, col, relu, transposed: true);
                            // dW_g (ocg, kdim) += dy_g (ocg, outPlane) * col^T (outPlane, kdim)
                            var a = new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * outPlane, outPlane, false);
                            GemmKernel<T>.Multiply(ocg, kdim, outPlane, T.One, a, b, n == start ? T.Zero : T.One, partial, grp * ocg * kdim, kdim);
                        }
                }
                finally
                {
                    ArrayPool<T>.Shared.Return(col);
                }
            });
            AddPartials(partials, dw.AsSpan(0, weightLength), accumulate);
        }
        finally
        {
            ReturnPartials(partials);
        }
    }

    /// <summary>
    /// The filter gradient from the per-range partial sums, added in range order (a fixed order, so the sum does not
    /// depend on which range finished first), written over or added to <paramref name="result"/>.
    /// </summary>
    private static void AddPartials<T>(T[][] partials, Span<T> result, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < partials.Length; r++)
            VectorMath.CopyOrAdd<T>(partials[r].AsSpan(0, result.Length), result, accumulate || r > 0);
    }

    private static void ReturnPartials<T>(T[]?[] partials)
    {
        foreach (var p in partials)
            if (p is not null) ArrayPool<T>.Shared.Return(p);
    }
}
