using System.Buffers;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Direct convolution for one input channel per group (depthwise, optionally with a channel multiplier):
/// each output plane is a weighted sum of K x K shifted copies of one input plane. The input plane is first
/// copied into a zero-bordered scratch plane so every tap is a bounds-check-free row operation; with
/// stride 1 that row operation is a SIMD axpy (forward, data gradient) or dot product (filter gradient).
/// </summary>
internal static class DepthwiseConvolution
{
    private static int PaddedLength(Conv2dGeometry g) => (g.Input.H + 2 * g.Padding) * (g.Input.W + 2 * g.Padding);

    public static void Forward<T>(Conv2dGeometry g, T[] x, T[] w, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int wp = wd + 2 * g.Padding, ocg = g.OutChannelsPerGroup, oc = g.OutChannels;
        int planes = g.Input.N * oc;
        CpuParallel.For(planes, (long)oh * ow * k * k, plane =>
        {
            int n = plane / oc, o = plane % oc, c = o / ocg;
            var padded = ArrayPool<T>.Shared.Rent(PaddedLength(g));
            try
            {
                ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded);
                var yPlane = y.AsSpan(plane * oh * ow, oh * ow);
                yPlane.Clear();
                for (int i = 0; i < oh; i++)
                {
                    var yRow = yPlane.Slice(i * ow, ow);
                    for (int ki = 0; ki < k; ki++)
                    {
                        int rowStart = (i * s + ki * d) * wp;
                        for (int kj = 0; kj < k; kj++)
                        {
                            T weight = w[(o * k + ki) * k + kj];
                            int start = rowStart + kj * d;
                            if (s == 1) VectorMath.Axpy<T>(weight, padded.AsSpan(start, ow), yRow);
                            else for (int j = 0; j < ow; j++) yRow[j] += weight * padded[start + j * s];
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(padded);
            }
        });
    }

    public static void BackwardData<T>(Conv2dGeometry g, T[] dy, T[] w, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int wp = wd + 2 * g.Padding, ocg = g.OutChannelsPerGroup, oc = g.OutChannels, channels = g.Input.C;
        CpuParallel.For(g.Input.N * channels, (long)ocg * oh * ow * k * k, plane =>
        {
            int n = plane / channels, c = plane % channels;
            int paddedLength = PaddedLength(g);
            var padded = ArrayPool<T>.Shared.Rent(paddedLength);
            try
            {
                var dxp = padded.AsSpan(0, paddedLength);
                dxp.Clear();
                for (int m = 0; m < ocg; m++)
                {
                    int o = c * ocg + m;
                    var dyPlane = dy.AsSpan((n * oc + o) * oh * ow, oh * ow);
                    for (int i = 0; i < oh; i++)
                    {
                        var dyRow = dyPlane.Slice(i * ow, ow);
                        for (int ki = 0; ki < k; ki++)
                        {
                            int rowStart = (i * s + ki * d) * wp;
                            for (int kj = 0; kj < k; kj++)
                            {
                                T weight = w[(o * k + ki) * k + kj];
                                int start = rowStart + kj * d;
                                if (s == 1) VectorMath.Axpy<T>(weight, dyRow, dxp.Slice(start, ow));
                                else for (int j = 0; j < ow; j++) dxp[start + j * s] += weight * dyRow[j];
                            }
                        }
                    }
                }
                ConvolutionWindow.Unpad<T>(dxp, h, wd, g.Padding, dx, plane * h * wd, accumulate);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(padded);
            }
        });
    }

    public static void BackwardFilter<T>(Conv2dGeometry g, T[] x, T[] dy, T[] dw, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, wd = g.Input.W, k = g.Kernel, oh = g.OutH, ow = g.OutW, s = g.Stride, d = g.Dilation;
        int wp = wd + 2 * g.Padding, ocg = g.OutChannelsPerGroup, oc = g.OutChannels;
        // One task per output channel: it owns its K x K weights, so no reduction across threads is needed.
        CpuParallel.For(oc, (long)g.Input.N * oh * ow * k * k, o =>
        {
            int c = o / ocg;
            var padded = ArrayPool<T>.Shared.Rent(PaddedLength(g));
            Span<T> sums = stackalloc T[k * k];
            sums.Clear();
            try
            {
                for (int n = 0; n < g.Input.N; n++)
                {
                    ConvolutionWindow.Pad(x, (n * g.Input.C + c) * h * wd, h, wd, g.Padding, T.Zero, padded);
                    var dyPlane = dy.AsSpan((n * oc + o) * oh * ow, oh * ow);
                    for (int i = 0; i < oh; i++)
                    {
                        var dyRow = dyPlane.Slice(i * ow, ow);
                        for (int ki = 0; ki < k; ki++)
                        {
                            int rowStart = (i * s + ki * d) * wp;
                            for (int kj = 0; kj < k; kj++)
                            {
                                int start = rowStart + kj * d;
                                T sum;
                                if (s == 1) sum = VectorMath.Dot<T>(dyRow, padded.AsSpan(start, ow));
                                else
                                {
                                    sum = T.Zero;
                                    for (int j = 0; j < ow; j++) sum += dyRow[j] * padded[start + j * s];
                                }
                                sums[ki * k + kj] += sum;
                            }
                        }
                    }
                }
                VectorMath.CopyOrAdd<T>(sums, dw.AsSpan(o * k * k, k * k), accumulate);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(padded);
            }
        });
    }
}
