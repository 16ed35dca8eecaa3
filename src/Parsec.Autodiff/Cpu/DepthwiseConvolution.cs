using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Direct convolution for one input channel per group (depthwise, optionally with a channel multiplier):
/// each output plane is a weighted sum of K x K shifted copies of one input plane. The input plane is first
/// copied into a zero-bordered scratch plane so that no tap needs bounds checks.
/// With stride 1 the output is computed at the padded plane's row pitch: then tap (ki, kj) of the whole
/// plane is one long contiguous axpy (or, for the filter gradient, one dot product) starting at
/// ki * d * pitch + kj * d, and the columns past the output width, which read across row ends, are simply
/// dropped (or are zero in the upstream gradient). Other strides work row by row.
/// </summary>
internal static class DepthwiseConvolution
{
    /// <summary>Padded plane plus slack: a pitch-wide tap run may read (K - 1) * dilation past its last row.</summary>
    private static int ScratchLength(Conv2dGeometry g) =>
        (g.Input.H + 2 * g.Padding) * (g.Input.W + 2 * g.Padding) + (g.Kernel - 1) * g.Dilation + 1;

    private static int Pitch(Conv2dGeometry g) => g.Input.W + 2 * g.Padding;

    public static void Forward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(g.Input.N * g.OutChannels, (long)g.OutH * g.OutW * g.Kernel * g.Kernel, plane => ForwardPlane(g, x, w, y, plane));

    /// <summary>One output plane (sample n, output channel o).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPlane<T>(Conv2dGeometry g, T[] x, T[] w, T[] y, int plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int pitch = Pitch(g), ocg = g.OutChannelsPerGroup, oc = g.OutChannels, scratchLength = ScratchLength(g);
        int n = plane / oc, o = plane % oc, c = o / ocg;
        var scratch = ArrayPool<T>.Shared.Rent(scratchLength + oh * pitch);
        try
        {
            var padded = scratch.AsSpan(0, scratchLength);
            padded[^((k - 1) * d + 1)..].Clear();
            ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded);
            var weights = w.AsSpan(o * k * k, k * k);
            var yPlane = y.AsSpan(plane * oh * ow, oh * ow);
            if (s == 1)
            {
                var wide = scratch.AsSpan(scratchLength, oh * pitch);
                wide.Clear();
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++)
                        VectorMath.Axpy<T>(weights[ki * k + kj], padded.Slice(ki * d * pitch + kj * d, oh * pitch), wide);
                for (int i = 0; i < oh; i++) wide.Slice(i * pitch, ow).CopyTo(yPlane.Slice(i * ow, ow));
                return;
            }
            yPlane.Clear();
            for (int i = 0; i < oh; i++)
            {
                var yRow = yPlane.Slice(i * ow, ow);
                for (int ki = 0; ki < k; ki++)
                    for (int kj = 0; kj < k; kj++)
                    {
                        T weight = weights[ki * k + kj];
                        int start = (i * s + ki * d) * pitch + kj * d;
                        for (int j = 0; j < ow; j++) yRow[j] += weight * padded[start + j * s];
                    }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    public static void BackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(g.Input.N * g.Input.C, (long)g.OutChannelsPerGroup * g.OutH * g.OutW * g.Kernel * g.Kernel,
            plane => BackwardDataPlane(g, dy, w, dx, accumulate, plane));

    /// <summary>The gradient of one input plane (sample n, channel c), from every output channel it feeds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardDataPlane<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, int plane) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int pitch = Pitch(g), ocg = g.OutChannelsPerGroup, oc = g.OutChannels, channels = g.Input.C, scratchLength = ScratchLength(g);
        int n = plane / channels, c = plane % channels;
        var scratch = ArrayPool<T>.Shared.Rent(scratchLength + oh * pitch);
        try
        {
            var dxp = scratch.AsSpan(0, scratchLength);
            dxp.Clear();
            var wide = scratch.AsSpan(scratchLength, oh * pitch);
            if (s == 1) wide.Clear(); // the columns past the output width stay zero
            for (int m = 0; m < ocg; m++)
            {
                int o = c * ocg + m;
                var weights = w.AsSpan(o * k * k, k * k);
                var dyPlane = dy.AsSpan((n * oc + o) * oh * ow, oh * ow);
                if (s == 1)
                {
                    for (int i = 0; i < oh; i++) dyPlane.Slice(i * ow, ow).CopyTo(wide.Slice(i * pitch, ow));
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                            VectorMath.Axpy<T>(weights[ki * k + kj], wide, dxp.Slice(ki * d * pitch + kj * d, oh * pitch));
                    continue;
                }
                for (int i = 0; i < oh; i++)
                {
                    var dyRow = dyPlane.Slice(i * ow, ow);
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                        {
                            T weight = weights[ki * k + kj];
                            int start = (i * s + ki * d) * pitch + kj * d;
                            for (int j = 0; j < ow; j++) dxp[start + j * s] += weight * dyRow[j];
                        }
                }
            }
            ConvolutionWindow.Unpad<T>(dxp, h, wd, g.Padding, dx, plane * h * wd, accumulate);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>One task per output channel: it owns its K x K weights, so no reduction across threads is needed.</summary>
    public static void BackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(g.OutChannels, (long)g.Input.N * g.OutH * g.OutW * g.Kernel * g.Kernel, o => BackwardFilterChannel(g, x, dy, dw, accumulate, o));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardFilterChannel<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate, int o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int pitch = Pitch(g), ocg = g.OutChannelsPerGroup, oc = g.OutChannels, scratchLength = ScratchLength(g);
        int c = o / ocg;
        var scratch = ArrayPool<T>.Shared.Rent(scratchLength + oh * pitch);
        Span<T> sums = stackalloc T[k * k];
        sums.Clear();
        try
        {
            var padded = scratch.AsSpan(0, scratchLength);
            padded[^((k - 1) * d + 1)..].Clear();
            var wide = scratch.AsSpan(scratchLength, oh * pitch);
            if (s == 1) wide.Clear();
            for (int n = 0; n < g.Input.N; n++)
            {
                ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded);
                var dyPlane = dy.AsSpan((n * oc + o) * oh * ow, oh * ow);
                if (s == 1)
                {
                    for (int i = 0; i < oh; i++) dyPlane.Slice(i * ow, ow).CopyTo(wide.Slice(i * pitch, ow));
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                            sums[ki * k + kj] += VectorMath.Dot<T>(wide, padded.Slice(ki * d * pitch + kj * d, oh * pitch));
                    continue;
                }
                for (int i = 0; i < oh; i++)
                {
                    var dyRow = dyPlane.Slice(i * ow, ow);
                    for (int ki = 0; ki < k; ki++)
                        for (int kj = 0; kj < k; kj++)
                        {
                            int start = (i * s + ki * d) * pitch + kj * d;
                            T sum = T.Zero;
                            for (int j = 0; j < ow; j++) sum += dyRow[j] * padded[start + j * s];
                            sums[ki * k + kj] += sum;
                        }
                }
            }
            VectorMath.CopyOrAdd<T>(sums, dw.AsSpan(o * k * k, k * k), accumulate);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }
}
