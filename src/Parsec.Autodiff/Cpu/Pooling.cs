using System.Runtime.CompilerServices;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Max and average pooling per plane. The input plane is copied into a plane bordered with -inf (max) or
/// 0 (average) so windows need no bounds checks; averages divide by the number of in-bounds elements only.
/// Every step is a SIMD operation across a row of outputs: forward reduces the window's rows into one row,
/// then its columns. For strides above 1 a row is first split into stride phases (phase p holds columns
/// p, p + s, p + 2s, ...), so that the tap kj of consecutive outputs is contiguous: phase kj % s from kj / s.
/// Max pooling with a stride above 1 has its own kernels in <see cref="StridedMaxPooling"/>.
/// </summary>
internal static class Pooling
{
    private static int PaddedWidth(Pool2dGeometry g) => g.Input.W + 2 * g.Padding;
    private static int PaddedLength(Pool2dGeometry g) => (g.Input.H + 2 * g.Padding) * PaddedWidth(g);
    private static int PhaseLength(Pool2dGeometry g) => (PaddedWidth(g) + g.Stride - 1) / g.Stride;

    /// <summary>How many of the window's rows (or columns) starting at out * stride - padding are inside [0, size).</summary>
    private static int InBounds(int outIndex, int stride, int padding, int kernel, int size)
    {
        int start = outIndex * stride - padding;
        return Math.Min(start + kernel, size) - Math.Max(start, 0);
    }

    /// <summary>Offset of tap kj of output 0 in a phase-split row.</summary>
    private static int TapOffset(int kj, int stride, int phaseLength) => kj % stride * phaseLength + kj / stride;

    /// <summary>phased[p * phaseLength + t] = row[t * stride + p]; positions past the row get <paramref name="fill"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SplitPhases<T>(ReadOnlySpan<T> row, int stride, int phaseLength, T fill, Span<T> phased) where T : unmanaged
    {
        for (int p = 0; p < stride; p++)
        {
            var dst = phased.Slice(p * phaseLength, phaseLength);
            int t = 0;
            for (int at = p; at < row.Length; at += stride) dst[t++] = row[at];
            dst[t..].Fill(fill);
        }
    }

    /// <summary>row[t * stride + p] += phased[p * phaseLength + t], the adjoint of <see cref="SplitPhases"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPhases<T>(ReadOnlySpan<T> phased, int stride, int phaseLength, Span<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int p = 0; p < stride; p++)
        {
            var src = phased.Slice(p * phaseLength, phaseLength);
            int t = 0;
            for (int at = p; at < row.Length; at += stride) row[at] += src[t++];
        }
    }

    public static void Forward<T>(Pool2dGeometry g, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Kind == PoolKind.Max && g.Stride > 1) StridedMaxPooling.Forward(g, x, y);
        else CpuParallel.For(g.Input.N * g.Input.C, (long)g.OutH * g.OutW * g.Kernel * 2, plane => ForwardPlane(g, x, y, plane));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPlane<T>(Pool2dGeometry g, T[] x, T[] y, int plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, k = g.Kernel, s = g.Stride, oh = g.OutH, ow = g.OutW, wp = PaddedWidth(g);
        int paddedLength = PaddedLength(g), phaseLength = PhaseLength(g);
        bool max = g.Kind == PoolKind.Max;
        T border = max ? T.NegativeInfinity : T.Zero;
        var scratch = ArrayPool<T>.Shared.Rent(paddedLength + wp + s * phaseLength);
        try
        {
            var padded = scratch.AsSpan(0, paddedLength);
            var rowAcc = scratch.AsSpan(paddedLength, wp);
            var phased = s == 1 ? rowAcc : scratch.AsSpan(paddedLength + wp, s * phaseLength);
            ConvolutionWindow.Pad(x, plane * h * w, h, w, g.Padding, border, padded);
            for (int i = 0; i < oh; i++)
            {
                padded.Slice(i * s * wp, wp).CopyTo(rowAcc);
                for (int ki = 1; ki < k; ki++)
                {
                    var row = padded.Slice((i * s + ki) * wp, wp);
                    if (max) TensorPrimitives.Max(rowAcc, row, rowAcc);
                    else TensorPrimitives.Add(rowAcc, row, rowAcc);
                }
                if (s > 1) SplitPhases<T>(rowAcc, s, phaseLength, border, phased);
                var yRow = y.AsSpan((plane * oh + i) * ow, ow);
                phased.Slice(0, ow).CopyTo(yRow);
                for (int kj = 1; kj < k; kj++)
                {
                    var tap = phased.Slice(TapOffset(kj, s, phaseLength), ow);
                    if (max) TensorPrimitives.Max(yRow, tap, yRow);
                    else TensorPrimitives.Add(yRow, tap, yRow);
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
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    public static void Backward<T>(Pool2dGeometry g, T[] x, T[] y, T[] dy, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Kind == PoolKind.Max && g.Stride > 1) StridedMaxPooling.Backward(g, x, y, dy, dx, accumulate);
        else CpuParallel.For(g.Input.N * g.Input.C, (long)g.OutH * g.OutW * g.Kernel * g.Kernel, plane => BackwardPlane(g, x, y, dy, dx, accumulate, plane));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardPlane<T>(Pool2dGeometry g, T[] x, T[] y, T[] dy, T[] dx, bool accumulate, int plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, k = g.Kernel, s = g.Stride, oh = g.OutH, ow = g.OutW, wp = PaddedWidth(g);
        int paddedLength = PaddedLength(g), phaseLength = PhaseLength(g), rowBlock = s * phaseLength;
        bool max = g.Kind == PoolKind.Max;
        // The -inf bordered input (max, stride 1 only), the padded gradient, phase-split copies of the window's
        // k gradient rows (average, strides above 1), and one row of scaled upstream gradient.
        var scratch = ArrayPool<T>.Shared.Rent(2 * paddedLength + k * rowBlock + ow);
        try
        {
            var xp = scratch.AsSpan(0, paddedLength);
            var dxp = scratch.AsSpan(paddedLength, paddedLength);
            var dPhases = scratch.AsSpan(2 * paddedLength, k * rowBlock);
            var scaled = scratch.AsSpan(2 * paddedLength + k * rowBlock, ow);
            dxp.Clear();
            if (max) ConvolutionWindow.Pad(x, plane * h * w, h, w, g.Padding, T.NegativeInfinity, xp);
            for (int i = 0; i < oh; i++)
            {
                var dyRow = dy.AsSpan((plane * oh + i) * ow, ow);
                if (s > 1) dPhases.Clear();
                if (max) MaxRowBackward(g, i, y.AsSpan((plane * oh + i) * ow, ow), dyRow, xp, dxp);
                else
                {
                    int rows = InBounds(i, s, g.Padding, k, h);
                    for (int j = 0; j < ow; j++)
                        scaled[j] = dyRow[j] / T.CreateTruncating(rows * InBounds(j, s, g.Padding, k, w));
                    for (int ki = 0; ki < k; ki++)
                    {
                        var target = s == 1 ? dxp.Slice((i + ki) * wp, wp) : dPhases.Slice(ki * rowBlock, rowBlock);
                        for (int kj = 0; kj < k; kj++)
                            VectorMath.Axpy<T>(T.One, scaled, target.Slice(TapOffset(kj, s, phaseLength), ow));
                    }
                }
                if (s > 1)
                    for (int ki = 0; ki < k; ki++)
                        AddPhases<T>(dPhases.Slice(ki * rowBlock, rowBlock), s, phaseLength, dxp.Slice((i * s + ki) * wp, wp));
            }
            ConvolutionWindow.Unpad<T>(dxp, h, w, g.Padding, dx, plane * h * w, accumulate);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// One row of outputs, stride 1: each upstream gradient goes to the first window element, in row-major order,
    /// equal to the forward maximum y, which is where PyTorch's strict "larger than" scan ends. Whole
    /// vectors of outputs are matched at once; outputs whose maximum is NaN or -inf (where equality does not
    /// identify PyTorch's choice) and the row's ragged end use the scan itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxRowBackward<T>(Pool2dGeometry g, int i, ReadOnlySpan<T> yRow, ReadOnlySpan<T> dyRow, ReadOnlySpan<T> xp, Span<T> dxp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Kernel, ow = g.OutW, wp = PaddedWidth(g), vl = Vector<T>.Count;
        int j0 = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var negativeInfinity = new Vector<T>(T.NegativeInfinity);
            for (; j0 <= ow - vl; j0 += vl)
            {
                var yv = new Vector<T>(yRow[j0..]);
                var gv = new Vector<T>(dyRow[j0..]);
                var special = ~Vector.Equals(yv, yv) | Vector.Equals(yv, negativeInfinity);
                var done = special;
                for (int ki = 0; ki < k; ki++)
                {
                    var xRow = xp.Slice((i + ki) * wp, wp);
                    var dRow = dxp.Slice((i + ki) * wp, wp);
                    for (int kj = 0; kj < k; kj++)
                    {
                        int at = kj + j0;
                        var hit = Vector.AndNot(Vector.Equals(new Vector<T>(xRow[at..]), yv), done);
                        done |= hit;
                        (new Vector<T>(dRow[at..]) + Vector.ConditionalSelect(hit, gv, Vector<T>.Zero)).CopyTo(dRow[at..]);
                    }
                }
                if (!Vector.EqualsAll(special, Vector<T>.Zero))
                    for (int lane = 0; lane < vl; lane++)
                        if (!T.IsFinite(yRow[j0 + lane]) && !T.IsPositiveInfinity(yRow[j0 + lane]))
                            ScanBackward(g, i, j0 + lane, dyRow[j0 + lane], xp, dxp);
            }
        }
        for (int j = j0; j < ow; j++) ScanBackward(g, i, j, dyRow[j], xp, dxp);
    }

    /// <summary>
    /// PyTorch's rule for one output: start at the first in-bounds element and move to any strictly larger
    /// (or NaN) value in row-major window order. Padding cells hold -inf and never win.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanBackward<T>(Pool2dGeometry g, int i, int j, T gradient, ReadOnlySpan<T> xp, Span<T> dxp) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int k = g.Kernel, s = g.Stride, pad = g.Padding, wp = PaddedWidth(g);
        int best = (Math.Max(i * s - pad, 0) + pad) * wp + Math.Max(j * s - pad, 0) + pad;
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
        dxp[best] += gradient;
    }
}
