using System.Runtime.CompilerServices;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Unfolds one sample's group of input channels into a (channels * KernelH * KernelW, OutH * OutW) matrix so that a
/// convolution becomes one GEMM, and folds such a matrix back (summing overlaps) for the data gradient.
/// Padding reads as zero; with relu the unfolded values are max(x, 0) (a convolution reading its input through a ReLU).
/// </summary>
internal static class Im2Col
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unfold<T>(Conv2dGeometry g, T[] x, int xOffset, int channels, T[] col, bool relu = false) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, kh = g.KernelH, kw = g.KernelW, oh = g.OutH, ow = g.OutW, sh = g.StrideH, s = g.StrideW;
        for (int c = 0; c < channels; c++)
            for (int ki = 0; ki < kh; ki++)
                for (int kj = 0; kj < kw; kj++)
                {
                    int row = ((c * kh + ki) * kw + kj) * oh * ow;
                    int rowOffset = ki * g.Dilation - g.PaddingH, colOffset = kj * g.Dilation - g.PaddingW;
                    var (hLo, hHi) = ConvolutionWindow.ValidOutputs(oh, h, sh, rowOffset);
                    var (wLo, wHi) = ConvolutionWindow.ValidOutputs(ow, w, s, colOffset);
                    for (int i = 0; i < oh; i++)
                    {
                        var dst = col.AsSpan(row + i * ow, ow);
                        if (i < hLo || i > hHi || wHi < wLo)
                        {
                            dst.Clear();
                            continue;
                        }
                        dst[..wLo].Clear();
                        dst[(wHi + 1)..].Clear();
                        int src = xOffset + (c * h + i * sh + rowOffset) * w + colOffset;
                        if (s == 1) ConvolutionWindow.CopyRow<T>(x.AsSpan(src + wLo, wHi - wLo + 1), dst[wLo..], relu);
                        else if (relu) for (int j = wLo; j <= wHi; j++) dst[j] = T.Max(x[src + j * s], T.Zero);
                        else for (int j = wLo; j <= wHi; j++) dst[j] = x[src + j * s];
                    }
                }
    }

    /// <summary>dx[channels of one sample's group] += the fold of col (dx must already hold its base values).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FoldAdd<T>(Conv2dGeometry g, T[] col, T[] dx, int dxOffset, int channels) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int h = g.Input.H, w = g.Input.W, kh = g.KernelH, kw = g.KernelW, oh = g.OutH, ow = g.OutW, sh = g.StrideH, s = g.StrideW;
        for (int c = 0; c < channels; c++)
            for (int ki = 0; ki < kh; ki++)
                for (int kj = 0; kj < kw; kj++)
                {
                    int row = ((c * kh + ki) * kw + kj) * oh * ow;
                    int rowOffset = ki * g.Dilation - g.PaddingH, colOffset = kj * g.Dilation - g.PaddingW;
                    var (hLo, hHi) = ConvolutionWindow.ValidOutputs(oh, h, sh, rowOffset);
                    var (wLo, wHi) = ConvolutionWindow.ValidOutputs(ow, w, s, colOffset);
                    if (wHi < wLo) continue;
                    for (int i = hLo; i <= hHi; i++)
                    {
                        int dst = dxOffset + (c * h + i * sh + rowOffset) * w + colOffset;
                        int src = row + i * ow;
                        if (s == 1) VectorMath.Axpy(T.One, col.AsSpan(src + wLo, wHi - wLo + 1), dx.AsSpan(dst + wLo, wHi - wLo + 1));
                        else for (int j = wLo; j <= wHi; j++) dx[dst + j * s] += col[src + j];
                    }
                }
    }
}
