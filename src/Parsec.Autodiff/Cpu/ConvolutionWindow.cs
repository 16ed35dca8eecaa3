using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// plane of (h + 2 pad, w + 2 pad), so that kernels can read every tap without bounds checks. With
    /// <paramref name="relu"/> the copy holds max(x, 0): a convolution that reads its input through a ReLU.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Pad<T>(T[] x, int offset, int h, int w, int pad, T border, Span<T> padded, bool relu = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int wp = w + 2 * pad;
        if (pad == 0)
        {
            CopyRow(x.AsSpan(offset, h * w), padded, relu);
            return;
        }
        // One fill of the whole plane, then the rows: planes are small, so calls cost more than bytes.
        padded[..((h + 2 * pad) * wp)].Fill(border);
        for (int i = 0; i < h; i++) CopyRow(x.AsSpan(offset + i * w, w), padded.Slice((pad + i) * wp + pad, w), relu);
    }

    /// <summary>
    /// dst = src, or max(src, 0) with NaN kept (as the ReLU op computes it). Inline: the rows of a plane are short,
    /// and a call per row would cost as much as the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void CopyRow<T>(ReadOnlySpan<T> src, Span<T> dst, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T d = ref MemoryMarshal.GetReference(dst[..src.Length]);
        int j = 0, n = src.Length, vl = Vector<T>.Count;
        for (; j <= n - vl; j += vl)
        {
            var v = Vector.LoadUnsafe(ref s, (nuint)j);
            Vector.StoreUnsafe(relu ? Vector.Max(v, Vector<T>.Zero) : v, ref d, (nuint)j);
        }
        for (; j < n; j++) Unsafe.Add(ref d, j) = relu ? T.Max(Unsafe.Add(ref s, j), T.Zero) : Unsafe.Add(ref s, j);
    }

    /// <summary>
    /// dst (h, w) (+)= the centre of a padded plane (the adjoint of <see cref="Pad"/>); with a <paramref name="reluMask"/>
    /// (the (h, w) input of a Pad with relu) only where the mask is above zero (the adjoint of that ReLU).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpad<T>(ReadOnlySpan<T> padded, int h, int w, int pad, T[] dst, int offset, bool accumulate, ReadOnlySpan<T> reluMask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int wp = w + 2 * pad;
        for (int i = 0; i < h; i++)
        {
            var src = padded.Slice((pad + i) * wp + pad, w);
            if (reluMask.IsEmpty) VectorMath.CopyOrAdd(src, dst.AsSpan(offset + i * w, w), accumulate);
            else VectorMath.MaskedCopyOrAdd(src, reluMask.Slice(i * w, w), dst.AsSpan(offset + i * w, w), accumulate);
        }
    }
}
