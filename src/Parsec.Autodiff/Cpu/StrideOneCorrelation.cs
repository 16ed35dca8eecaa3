using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// The register-blocked loops of the stride-1 depthwise convolution, on one zero-bordered plane of row pitch
/// <c>pitch</c>. Outputs are computed at the plane's pitch ("wide" rows): then tap (ki, kj) of output q is
/// input q + ki * d * pitch + kj * d for every q, so a block of four consecutive output vectors needs one
/// address per tap, shares each broadcast weight, and is stored once. The columns past the output width,
/// which read across row ends, are dropped when the wide rows are copied out (or are zero in the upstream
/// gradient). The bordered plane needs <see cref="Slack"/> readable elements after its last row.
/// </summary>
internal static class StrideOneCorrelation
{
    private const int Block = 4;

    /// <summary>Elements a bordered plane must have (cleared) after its last row: the wide blocks' overrun plus the taps' reach.</summary>
    public static int Slack<T>(int k, int d) where T : unmanaged => Block * Vector<T>.Count + (k - 1) * d;

    /// <summary>Length of the wide scratch for oh rows: whole blocks of vectors.</summary>
    public static int WideLength<T>(int oh, int pitch) where T : unmanaged => RoundUp(oh * pitch, Block * Vector<T>.Count);

    /// <summary>
    /// output[i, j] (+)= sum over taps (ki, kj) of weights[ki * k + kj] * padded[(i + ki * d) * pitch + j + kj * d],
    /// for the oh x ow output plane; when <paramref name="mask"/> is not empty, each result is kept only where
    /// mask[i, j] > 0 (the gradient of a convolution that read max(x, 0), masked by x).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Correlate<T>(ReadOnlySpan<T> padded, int pitch, int k, int d, ReadOnlySpan<T> weights, Span<T> wide,
        Span<T> output, int oh, int ow, ReadOnlySpan<T> mask, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vl = Vector<T>.Count, taps = k * k, length = WideLength<T>(oh, pitch);
        Span<int> offsets = stackalloc int[taps];
        for (int t = 0; t < taps; t++) offsets[t] = Offset(t, k, d, pitch);
        ref T src = ref MemoryMarshal.GetReference(padded);
        ref T dst = ref MemoryMarshal.GetReference(wide);
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref int off = ref MemoryMarshal.GetReference(offsets);
        nuint v1 = (nuint)vl, v2 = 2 * v1, v3 = 3 * v1;
        for (int q = 0; q < length; q += Block * vl)
        {
            Vector<T> a0 = default, a1 = default, a2 = default, a3 = default;
            for (int t = 0; t < taps; t++)
            {
                var wt = new Vector<T>(Unsafe.Add(ref w, t));
                ref T p = ref Unsafe.Add(ref src, q + Unsafe.Add(ref off, t));
                a0 = VectorMath.Fma(wt, Vector.LoadUnsafe(ref p), a0);
                a1 = VectorMath.Fma(wt, Vector.LoadUnsafe(ref p, v1), a1);
                a2 = VectorMath.Fma(wt, Vector.LoadUnsafe(ref p, v2), a2);
                a3 = VectorMath.Fma(wt, Vector.LoadUnsafe(ref p, v3), a3);
            }
            ref T at = ref Unsafe.Add(ref dst, q);
            Vector.StoreUnsafe(a0, ref at);
            Vector.StoreUnsafe(a1, ref at, v1);
            Vector.StoreUnsafe(a2, ref at, v2);
            Vector.StoreUnsafe(a3, ref at, v3);
        }
        for (int i = 0; i < oh; i++)
        {
            var row = wide.Slice(i * pitch, ow);
            if (mask.IsEmpty) CopyOrAddRow(row, output.Slice(i * ow, ow), accumulate);
            else VectorMath.MaskedCopyOrAdd<T>(row, mask.Slice(i * ow, ow), output.Slice(i * ow, ow), accumulate);
        }
    }

    /// <summary>dst (+)= src for one short row, inline: rows of 8 to 32 values cost less than a call to a copy routine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyOrAddRow<T>(ReadOnlySpan<T> src, Span<T> dst, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int j = 0, n = dst.Length, vl = Vector<T>.Count;
        for (; j <= n - vl; j += vl)
        {
            var v = Vector.LoadUnsafe(ref s, (nuint)j);
            Vector.StoreUnsafe(accumulate ? v + Vector.LoadUnsafe(ref d, (nuint)j) : v, ref d, (nuint)j);
        }
        for (; j < n; j++) Unsafe.Add(ref d, j) = accumulate ? Unsafe.Add(ref d, j) + Unsafe.Add(ref s, j) : Unsafe.Add(ref s, j);
    }

    /// <summary>
    /// sums[t] += sum over the plane of dy[i, j] * padded[(i + ki * d) * pitch + j + kj * d], lane by lane, for every tap
    /// t = ki * k + kj (the filter gradient; the caller adds the lanes up once, after the last plane).
    /// <paramref name="wideDy"/> holds dy at the plane's pitch (<see cref="WideLength{T}"/> values), zero past the output
    /// width of each row and after the last row. Three taps share each pass over dy, two vectors at a time (six accumulators).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateTapSums<T>(ReadOnlySpan<T> padded, int pitch, int k, int d, ReadOnlySpan<T> wideDy, int oh, Span<Vector<T>> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int vl = Vector<T>.Count, taps = k * k, length = WideLength<T>(oh, pitch);
        ref T src = ref MemoryMarshal.GetReference(padded);
        ref T g = ref MemoryMarshal.GetReference(wideDy);
        nuint v1 = (nuint)vl;
        for (int t0 = 0; t0 < taps; t0 += 3)
        {
            // A group short of three taps repeats its last tap and drops the copies' sums.
            int t1 = Math.Min(t0 + 1, taps - 1), t2 = Math.Min(t0 + 2, taps - 1);
            int o0 = Offset(t0, k, d, pitch), o1 = Offset(t1, k, d, pitch), o2 = Offset(t2, k, d, pitch);
            Vector<T> p0 = default, p1 = default, p2 = default, r0 = default, r1 = default, r2 = default;
            for (int q = 0; q < length; q += 2 * vl)
            {
                ref T gq = ref Unsafe.Add(ref g, q);
                var ga = Vector.LoadUnsafe(ref gq);
                var gb = Vector.LoadUnsafe(ref gq, v1);
                ref T x0 = ref Unsafe.Add(ref src, q + o0);
                ref T x1 = ref Unsafe.Add(ref src, q + o1);
                ref T x2 = ref Unsafe.Add(ref src, q + o2);
                p0 = VectorMath.Fma(ga, Vector.LoadUnsafe(ref x0), p0);
                p1 = VectorMath.Fma(ga, Vector.LoadUnsafe(ref x1), p1);
                p2 = VectorMath.Fma(ga, Vector.LoadUnsafe(ref x2), p2);
                r0 = VectorMath.Fma(gb, Vector.LoadUnsafe(ref x0, v1), r0);
                r1 = VectorMath.Fma(gb, Vector.LoadUnsafe(ref x1, v1), r1);
                r2 = VectorMath.Fma(gb, Vector.LoadUnsafe(ref x2, v1), r2);
            }
            sums[t0] += p0 + r0;
            if (t0 + 1 < taps) sums[t1] += p1 + r1;
            if (t0 + 2 < taps) sums[t2] += p2 + r2;
        }
    }

    /// <summary>Copies an (oh, ow) plane into rows of <paramref name="pitch"/> values, zeros between the rows and after the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen<T>(ReadOnlySpan<T> plane, int oh, int ow, int pitch, Span<T> wide) where T : unmanaged, IFloatingPointIeee754<T>
    {
        wide.Clear();
        for (int i = 0; i < oh; i++) CopyOrAddRow(plane.Slice(i * ow, ow), wide.Slice(i * pitch, ow), accumulate: false);
    }

    private static int Offset(int tap, int k, int d, int pitch) => tap / k * d * pitch + tap % k * d;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
