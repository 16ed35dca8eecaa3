using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Direct convolution for one input channel per group (depthwise, optionally with a channel multiplier). Each
/// plane is first copied into a zero-bordered scratch plane (through a ReLU when the convolution reads max(x, 0))
/// so that no tap needs bounds checks. With stride 1 every direction is a correlation of a bordered plane
/// (<see cref="StrideOneCorrelation"/>): the forward pass of x with the weights, the data gradient of dy (bordered
/// by (K - 1) * dilation - padding) with the weights reversed, and the filter gradient as dot products of dy with
/// shifted copies of x. Other strides work output row by output row. Planes are small (8 x 8 in a network's last
/// cells), so forward and data-gradient tasks take a whole sample each and rent their scratch once.
/// </summary>
internal static class DepthwiseConvolution
{
    /// <summary>A bordered (h, w) plane and the slack the stride-1 loops read past it (cleared once, never written).</summary>
    private static int PaddedLength<T>(Conv2dGeometry g, int h, int w, int pad) where T : unmanaged =>
        (h + 2 * pad) * (w + 2 * pad) + StrideOneCorrelation.Slack<T>(g.Kernel, g.Dilation);

    /// <summary>The border that turns the data gradient into a stride-1 correlation; negative when there is none.</summary>
    private static int GradientBorder(Conv2dGeometry g) => (g.Kernel - 1) * g.Dilation - g.Padding;

    private static bool DataGradientIsCorrelation(Conv2dGeometry g) => g.Stride == 1 && GradientBorder(g) >= 0;

    /// <summary>Scratch for one task: a bordered plane of (h, w) with its slack cleared, then a wide output of oh rows.</summary>
    private readonly ref struct Scratch<T> where T : unmanaged
    {
        public Scratch(T[] array, int paddedLength, int planeLength, int wideLength)
        {
            Padded = array.AsSpan(0, paddedLength);
            Wide = array.AsSpan(paddedLength, wideLength);
            Padded[planeLength..].Clear();
        }

        public Span<T> Padded { get; }
        public Span<T> Wide { get; }
    }

    private static void WithScratch<T>(Conv2dGeometry g, int h, int w, int pad, int wideRows, ScratchAction<T> body) where T : unmanaged
    {
        int paddedLength = PaddedLength<T>(g, h, w, pad), wideLength = StrideOneCorrelation.WideLength<T>(wideRows, w + 2 * pad);
        var array = ArrayPool<T>.Shared.Rent(paddedLength + wideLength);
        try
        {
            body(new Scratch<T>(array, paddedLength, (h + 2 * pad) * (w + 2 * pad), wideLength));
        }
        finally
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    private delegate void ScratchAction<T>(Scratch<T> scratch) where T : unmanaged;

    public static void Forward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y, bool reluInput) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(g.Input.N, (long)g.OutChannels * g.OutH * g.OutW * g.Kernel * g.Kernel, n =>
            WithScratch<T>(g, g.Input.H, g.Input.W, g.Padding, g.OutH, scratch =>
            {
                for (int o = 0; o < g.OutChannels; o++) ForwardPlane(g, x, w, y, reluInput, n, o, scratch);
            }));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPlane<T>(Conv2dGeometry g, T[] x, T[] w, T[] y, bool reluInput, int n, int o, Scratch<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation, pitch = wd + 2 * g.Padding;
        int c = o / g.OutChannelsPerGroup;
        var padded = scratch.Padded;
        ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded, reluInput);
        var weights = w.AsSpan(o * k * k, k * k);
        var yPlane = y.AsSpan((n * g.OutChannels + o) * oh * ow, oh * ow);
        if (s == 1)
        {
            StrideOneCorrelation.Correlate<T>(padded, pitch, k, d, weights, scratch.Wide, yPlane, oh, ow, default, accumulate: false);
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

    /// <param name="reluMask">x when the forward pass read max(x, 0): dx then gets the gradient only where x > 0.</param>
    public static void BackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, T[]? reluMask) where T : unmanaged, IFloatingPointIeee754<T>
    {
        long work = (long)g.OutChannels * g.OutH * g.OutW * g.Kernel * g.Kernel;
        if (DataGradientIsCorrelation(g))
            CpuParallel.For(g.Input.N, work, n =>
                WithScratch<T>(g, g.OutH, g.OutW, GradientBorder(g), g.Input.H, scratch =>
                {
                    for (int c = 0; c < g.Input.C; c++) BackwardDataByCorrelation(g, dy, w, dx, accumulate, reluMask, n, c, scratch);
                }));
        else
            CpuParallel.For(g.Input.N, work, n =>
                WithScratch<T>(g, g.Input.H, g.Input.W, g.Padding, 0, scratch =>
                {
                    for (int c = 0; c < g.Input.C; c++) BackwardDataByScatter(g, dy, w, dx, accumulate, reluMask, n, c, scratch.Padded);
                }));
    }

    /// <summary>
    /// dx[h, w] = sum over taps of w[ki, kj] * dy[h + p - ki * d, w + p - kj * d]: dy bordered by (K - 1) * d - p,
    /// correlated with the reversed kernel, summed over the plane's output channels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardDataByCorrelation<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, T[]? reluMask, int n, int c, Scratch<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, border = GradientBorder(g), pitch = ow + 2 * border;
        int ocg = g.OutChannelsPerGroup, plane = n * g.Input.C + c;
        Span<T> reversed = stackalloc T[k * k];
        var dxPlane = dx.AsSpan(plane * h * wd, h * wd);
        var mask = reluMask is null ? default : new ReadOnlySpan<T>(reluMask, plane * h * wd, h * wd);
        for (int m = 0; m < ocg; m++)
        {
            int o = c * ocg + m;
            var weights = w.AsSpan(o * k * k, k * k);
            for (int t = 0; t < k * k; t++) reversed[t] = weights[k * k - 1 - t];
            ConvolutionWindow.Pad(dy, (n * g.OutChannels + o) * oh * ow, oh, ow, border, T.Zero, scratch.Padded);
            StrideOneCorrelation.Correlate<T>(scratch.Padded, pitch, k, g.Dilation, reversed, scratch.Wide, dxPlane, h, wd, mask, accumulate || m > 0);
        }
    }

    /// <summary>Any stride: every output's gradient is added to the taps of a bordered gradient plane, whose centre is then kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardDataByScatter<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate, T[]? reluMask, int n, int c, Span<T> dxp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation, pitch = wd + 2 * g.Padding;
        int ocg = g.OutChannelsPerGroup, plane = n * g.Input.C + c;
        dxp.Clear();
        for (int m = 0; m < ocg; m++)
        {
            int o = c * ocg + m;
            var weights = w.AsSpan(o * k * k, k * k);
            var dyPlane = dy.AsSpan((n * g.OutChannels + o) * oh * ow, oh * ow);
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
        var mask = reluMask is null ? default : new ReadOnlySpan<T>(reluMask, plane * h * wd, h * wd);
        ConvolutionWindow.Unpad<T>(dxp, h, wd, g.Padding, dx, plane * h * wd, accumulate, mask);
    }

    /// <summary>One task per output channel: it owns its K x K weights, so no reduction across threads is needed.</summary>
    public static void BackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate, bool reluInput) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For(g.OutChannels, (long)g.Input.N * g.OutH * g.OutW * g.Kernel * g.Kernel, o =>
            WithScratch<T>(g, g.Input.H, g.Input.W, g.Padding, g.Stride == 1 ? g.OutH : 0, scratch =>
                BackwardFilterChannel(g, x, dy, dw, accumulate, reluInput, o, scratch)));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardFilterChannel<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate, bool reluInput, int o, Scratch<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation, pitch = wd + 2 * g.Padding;
        int c = o / g.OutChannelsPerGroup;
        var padded = scratch.Padded;
        Span<T> sums = stackalloc T[k * k];
        sums.Clear();
        Span<Vector<T>> lanes = stackalloc Vector<T>[s == 1 ? k * k : 0];
        lanes.Clear();
        for (int n = 0; n < g.Input.N; n++)
        {
            ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded, reluInput);
            var dyPlane = dy.AsSpan((n * g.OutChannels + o) * oh * ow, oh * ow);
            if (s == 1)
            {
                // dy at the plane's pitch, zero past the output width, so every tap is one long dot product.
                StrideOneCorrelation.Widen<T>(dyPlane, oh, ow, pitch, scratch.Wide);
                StrideOneCorrelation.AccumulateTapSums<T>(padded, pitch, k, d, scratch.Wide, oh, lanes);
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
        for (int t = 0; t < lanes.Length; t++) sums[t] = Vector.Sum(lanes[t]);
        VectorMath.CopyOrAdd<T>(sums, dw.AsSpan(o * k * k, k * k), accumulate);
    }
}
