using System.Buffers;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Convolutions as GEMMs per sample and group: a 1x1 stride-1 unpadded convolution multiplies the weights
/// with the input plane directly; any other reads its input through <see cref="Im2Col"/>. Convolutions with
/// one input channel per group (depthwise) take the direct path in <see cref="DepthwiseConvolution"/>.
/// </summary>
public sealed partial class CpuBackend
{
    public void Conv2dForward(Conv2dForwardArgs a)
    {
        if (IsDouble(a.X)) ConvForward(a.Geometry, Arr<double>(a.X), Arr<double>(a.W), Arr<double>(a.Y));
        else ConvForward(a.Geometry, Arr<float>(a.X), Arr<float>(a.W), Arr<float>(a.Y));
    }

    public void Conv2dBackwardData(Conv2dBackwardDataArgs a)
    {
        if (IsDouble(a.Dy)) ConvBackwardData(a.Geometry, Arr<double>(a.Dy), Arr<double>(a.W), Arr<double>(a.Dx), a.Accumulate);
        else ConvBackwardData(a.Geometry, Arr<float>(a.Dy), Arr<float>(a.W), Arr<float>(a.Dx), a.Accumulate);
    }

    public void Conv2dBackwardFilter(Conv2dBackwardFilterArgs a)
    {
        if (IsDouble(a.X)) ConvBackwardFilter(a.Geometry, Arr<double>(a.X), Arr<double>(a.Dy), Arr<double>(a.Dw), a.Accumulate);
        else ConvBackwardFilter(a.Geometry, Arr<float>(a.X), Arr<float>(a.Dy), Arr<float>(a.Dw), a.Accumulate);
    }

    /// <summary>1x1, stride 1, no padding: the input plane already is the GEMM operand.</summary>
    private static bool IsPointwise(Conv2dGeometry g) => g.Kernel == 1 && g.Stride == 1 && g.Padding == 0;

    private static int ColumnRows(Conv2dGeometry g) => g.InChannelsPerGroup * g.Kernel * g.Kernel;

    private static void ConvForward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.InChannelsPerGroup == 1)
        {
            DepthwiseConvolution.Forward(g, x, w, y);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        bool pointwise = IsPointwise(g);
        CpuParallel.For(g.Input.N, (long)g.OutChannels * kdim * outPlane, n =>
        {
            T[]? col = pointwise ? null : ArrayPool<T>.Shared.Rent(kdim * outPlane);
            try
            {
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    int xOffset = (n * g.Input.C + grp * icg) * inPlane;
                    MatrixView<T> b;
                    if (col is null) b = new MatrixView<T>(x, xOffset, inPlane, false);
                    else
                    {
                        Im2Col.Unfold(g, x, xOffset, icg, col);
                        b = new MatrixView<T>(col, 0, outPlane, false);
                    }
                    var a = new MatrixView<T>(w, grp * ocg * kdim, kdim, false);
                    GemmKernel<T>.Multiply(ocg, outPlane, kdim, T.One, a, b, T.Zero, y, (n * g.OutChannels + grp * ocg) * outPlane, outPlane);
                }
            }
            finally
            {
                if (col is not null) ArrayPool<T>.Shared.Return(col);
            }
        });
    }

    private static void ConvBackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.InChannelsPerGroup == 1)
        {
            DepthwiseConvolution.BackwardData(g, dy, w, dx, accumulate);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        bool pointwise = IsPointwise(g);
        CpuParallel.For(g.Input.N, (long)g.OutChannels * kdim * outPlane, n =>
        {
            T[]? col = pointwise ? null : ArrayPool<T>.Shared.Rent(kdim * outPlane);
            try
            {
                if (col is not null && !accumulate) dx.AsSpan(n * g.Input.C * inPlane, g.Input.C * inPlane).Clear();
                for (int grp = 0; grp < g.Groups; grp++)
                {
                    // W_g^T (kdim, ocg) * dy_g (ocg, outPlane)
                    var a = new MatrixView<T>(w, grp * ocg * kdim, kdim, true);
                    var b = new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * outPlane, outPlane, false);
                    int dxOffset = (n * g.Input.C + grp * icg) * inPlane;
                    if (col is null)
                    {
                        GemmKernel<T>.Multiply(kdim, outPlane, ocg, T.One, a, b, accumulate ? T.One : T.Zero, dx, dxOffset, inPlane);
                        continue;
                    }
                    GemmKernel<T>.Multiply(kdim, outPlane, ocg, T.One, a, b, T.Zero, col, 0, outPlane);
                    Im2Col.FoldAdd(g, col, dx, dxOffset, icg);
                }
            }
            finally
            {
                if (col is not null) ArrayPool<T>.Shared.Return(col);
            }
        });
    }

    private static void ConvBackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.InChannelsPerGroup == 1)
        {
            DepthwiseConvolution.BackwardFilter(g, x, dy, dw, accumulate);
            return;
        }
        int kdim = ColumnRows(g), outPlane = g.OutH * g.OutW, inPlane = g.Input.H * g.Input.W;
        int icg = g.InChannelsPerGroup, ocg = g.OutChannelsPerGroup;
        int weightLength = (int)g.WeightLength;
        bool pointwise = IsPointwise(g);
        // Each range of samples sums into its own partial filter gradient; the partials are then added in
        // range order, so the result does not depend on which thread finished first.
        int ranges = CpuParallel.RangeCount(g.Input.N, (long)g.OutChannels * kdim * outPlane);
        var partials = new T[ranges][];
        try
        {
            CpuParallel.ForRanges(g.Input.N, (long)g.OutChannels * kdim * outPlane, (r, start, end) =>
            {
                var partial = partials[r] = ArrayPool<T>.Shared.Rent(weightLength);
                T[]? col = pointwise ? null : ArrayPool<T>.Shared.Rent(kdim * outPlane);
                try
                {
                    for (int n = start; n < end; n++)
                        for (int grp = 0; grp < g.Groups; grp++)
                        {
                            int xOffset = (n * g.Input.C + grp * icg) * inPlane;
                            MatrixView<T> b;
                            if (col is null) b = new MatrixView<T>(x, xOffset, inPlane, true);
                            else
                            {
                                Im2Col.Unfold(g, x, xOffset, icg, col);
                                b = new MatrixView<T>(col, 0, outPlane, true);
                            }
                            // dW_g (ocg, kdim) += dy_g (ocg, outPlane) * col^T (outPlane, kdim)
                            var a = new MatrixView<T>(dy, (n * g.OutChannels + grp * ocg) * outPlane, outPlane, false);
                            GemmKernel<T>.Multiply(ocg, kdim, outPlane, T.One, a, b, n == start ? T.Zero : T.One, partial, grp * ocg * kdim, kdim);
                        }
                }
                finally
                {
                    if (col is not null) ArrayPool<T>.Shared.Return(col);
                }
            });
            var result = dw.AsSpan(0, weightLength);
            for (int r = 0; r < ranges; r++)
                VectorMath.CopyOrAdd<T>(partials[r].AsSpan(0, weightLength), result, accumulate || r > 0);
        }
        finally
        {
            foreach (var p in partials)
                if (p is not null) ArrayPool<T>.Shared.Return(p);
        }
    }
}
