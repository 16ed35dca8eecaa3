using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Max and average pooling per plane. Forward reduces the window's rows into one row (SIMD over the
/// row), then the columns; the input is first copied into a plane bordered with -inf (max) or 0 (average)
/// so the window never needs bounds checks. Averages divide by the number of in-bounds elements only.
/// </summary>
internal static class Pooling
{
    private static int PaddedWidth(Pool2dGeometry g) => g.Input.W + 2 * g.Padding;
    private static int PaddedLength(Pool2dGeometry g) => (g.Input.H + 2 * g.Padding) * PaddedWidth(g);

    /// <summary>How many of the window's rows (or columns) starting at out * stride - padding are inside [0, size).</summary>
    private static int InBounds(int outIndex, int stride, int padding, int kernel, int size)
    {
        int start = outIndex * stride - padding;
        return Math.Min(start + kernel, size) - Math.Max(start, 0);
    }

    public static void Forward<T>(Pool2dGeometry g, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, k = g.Kernel, s = g.Stride, oh = g.OutH, ow = g.OutW, wp = PaddedWidth(g);
        bool max = g.Kind == PoolKind.Max;
        T border = max ? T.NegativeInfinity : T.Zero;
        CpuParallel.For(g.Input.N * g.Input.C, (long)oh * ow * k * 2, plane =>
        {
            var padded = ArrayPool<T>.Shared.Rent(PaddedLength(g) + wp);
            try
            {
                ConvolutionWindow.Pad(x, plane * h * w, h, w, g.Padding, border, padded);
                var rowAcc = padded.AsSpan(PaddedLength(g), wp); // scratch after the plane
                for (int i = 0; i < oh; i++)
                {
                    padded.AsSpan(i * s * wp, wp).CopyTo(rowAcc);
                    for (int ki = 1; ki < k; ki++)
                    {
                        var row = padded.AsSpan((i * s + ki) * wp, wp);
                        if (max) TensorPrimitives.Max(rowAcc, row, rowAcc);
                        else TensorPrimitives.Add(rowAcc, row, rowAcc);
                    }
                    var yRow = y.AsSpan((plane * oh + i) * ow, ow);
                    if (s == 1)
                    {
                        rowAcc[..ow].CopyTo(yRow);
                        for (int kj = 1; kj < k; kj++)
                        {
                            if (max) TensorPrimitives.Max(yRow, rowAcc.Slice(kj, ow), yRow);
                            else TensorPrimitives.Add(yRow, rowAcc.Slice(kj, ow), yRow);
                        }
                    }
                    else
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            T acc = rowAcc[j * s];
                            for (int kj = 1; kj < k; kj++)
                            {
                                T v = rowAcc[j * s + kj];
                                acc = max ? (v > acc || T.IsNaN(v) ? v : acc) : acc + v;
                            }
                            yRow[j] = acc;
                        }
                    }
                    if (!max)
                    {
                        int rows = InBounds(i, s, g.Padding, k, h);
                        for (int j = 0; j < ow; j++)
                            yRow[j] /= T.CreateTruncating(rows * InBounds(j, s, g.Padding, k, w));
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(padded);
            }
        });
    }

    public static void Backward<T>(Pool2dGeometry g, T[] x, T[] dy, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, k = g.Kernel, s = g.Stride, oh = g.OutH, ow = g.OutW, wp = PaddedWidth(g);
        int paddedLength = PaddedLength(g);
        bool max = g.Kind == PoolKind.Max;
        CpuParallel.For(g.Input.N * g.Input.C, (long)oh * ow * k * k, plane =>
        {
            // Two planes of scratch: the -inf bordered input (max only) and the padded gradient.
            var scratch = ArrayPool<T>.Shared.Rent(2 * paddedLength + ow);
            try
            {
                var xp = scratch.AsSpan(0, paddedLength);
                var dxp = scratch.AsSpan(paddedLength, paddedLength);
                var scaled = scratch.AsSpan(2 * paddedLength, ow);
                dxp.Clear();
                if (max) ConvolutionWindow.Pad(x, plane * h * w, h, w, g.Padding, T.NegativeInfinity, xp);
                for (int i = 0; i < oh; i++)
                {
                    var dyRow = dy.AsSpan((plane * oh + i) * ow, ow);
                    if (max)
                    {
                        for (int j = 0; j < ow; j++)
                        {
                            // PyTorch's rule: start at the first in-bounds element, move to any strictly larger
                            // (or NaN) value in row-major window order. Padding cells hold -inf and never win.
                            int best = (Math.Max(i * s - g.Padding, 0) + g.Padding) * wp + Math.Max(j * s - g.Padding, 0) + g.Padding;
                            T bestValue = T.NegativeInfinity;
                            for (int ki = 0; ki < k; ki++)
                                for (int kj = 0; kj < k; kj++)
                                {
                                    int at = (i * s + ki) * wp + j * s + kj;
                                    T v = xp[at];
                                    if (v > bestValue || T.IsNaN(v))
                                    {
                                        best = at;
                                        bestValue = v;
                                    }
                                }
                            dxp[best] += dyRow[j];
                        }
                        continue;
                    }
                    int rows = InBounds(i, s, g.Padding, k, h);
                    for (int j = 0; j < ow; j++)
                        scaled[j] = dyRow[j] / T.CreateTruncating(rows * InBounds(j, s, g.Padding, k, w));
                    for (int ki = 0; ki < k; ki++)
                    {
                        int rowStart = (i * s + ki) * wp;
                        for (int kj = 0; kj < k; kj++)
                        {
                            if (s == 1) VectorMath.Axpy<T>(T.One, scaled, dxp.Slice(rowStart + kj, ow));
                            else for (int j = 0; j < ow; j++) dxp[rowStart + j * s + kj] += scaled[j];
                        }
                    }
                }
                ConvolutionWindow.Unpad<T>(dxp, h, w, g.Padding, dx, plane * h * w, accumulate);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        });
    }
}
