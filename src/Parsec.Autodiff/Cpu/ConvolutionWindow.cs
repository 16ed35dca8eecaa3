using System.Runtime.CompilerServices;
namespace Parsec.Autodiff.Cpu;

/// <summary>Index arithmetic shared by the convolution and pooling kernels.</summary>
internal static class ConvolutionWindow
{
    /// <summary>
    /// The outputs o in [Lo, Hi] whose input index o * stride + offset lies in [0, inSize); empty when Hi &lt; Lo.
    /// offset is (kernel tap * dilation - padding).
    /// </summary>
    public static (int Lo, int Hi) ValidOutputs(int outSize, int inSize, int stride, int offset)
    {
        int lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        int last = inSize - 1 - offset;
        int hi = last < 0 ? -1 : Math.Min(outSize - 1, last / stride);
        return (lo, hi);
    }

    /// <summary>
    /// Copies plane (h, w) at x[offset] into the centre of a zero (or <paramref name="border"/>) bordered
    /// plane of (h + 2 pad, w + 2 pad), so that kernels can read every tap without bounds checks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad<T>(T[] x, int offset, int h, int w, int pad, T border, Span<T> padded) where T : unmanaged
    {
        int wp = w + 2 * pad;
        if (pad == 0)
        {
            x.AsSpan(offset, h * w).CopyTo(padded);
            return;
        }
        padded[..(pad * wp)].Fill(border);
        padded.Slice((pad + h) * wp, pad * wp).Fill(border);
        for (int i = 0; i < h; i++)
        {
            var row = padded.Slice((pad + i) * wp, wp);
            row[..pad].Fill(border);
            row[(pad + w)..].Fill(border);
            x.AsSpan(offset + i * w, w).CopyTo(row[pad..]);
        }
    }

    /// <summary>dst (h, w) (+)= the centre of a padded plane (the adjoint of <see cref="Pad"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpad<T>(ReadOnlySpan<T> padded, int h, int w, int pad, T[] dst, int offset, bool accumulate)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int wp = w + 2 * pad;
        for (int i = 0; i < h; i++)
            VectorMath.CopyOrAdd(padded.Slice((pad + i) * wp + pad, w), dst.AsSpan(offset + i * w, w), accumulate);
    }
}
