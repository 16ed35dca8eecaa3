using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// The GEMM's register kernel: C[MR x NR block] = alpha * (a packed A panel of MR rows times a B panel of NR
/// columns) + beta * C, the block held in 8 SIMD registers (4 rows x 2 vectors) while the panels stream by: per
/// step 2 loads of B and 4 broadcasts of A feed 8 FMAs, enough independent chains to cover the FMA latency of two
/// pipes. NR is two vectors of the widest SIMD the machine runs at full speed: 512 bits where .NET reports
/// Vector512 accelerated (AVX-512: twice the multiply-adds per instruction, measured 1.3-1.6x faster 1x1
/// convolutions on the CPU), else Vector&lt;T&gt; (256 bits on AVX2).
/// </summary>
internal static class GemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public const int MR = 4;

    private static bool Wide => Vector512.IsHardwareAccelerated && (typeof(T) == typeof(float) || typeof(T) == typeof(double));

    public static int NR => 2 * (Wide ? Vector512<T>.Count : Vector<T>.Count);

    /// <summary>
    /// The rows x cols block of C at cIndex from a packed A panel and a B panel of kc rows of NR values, rows
    /// <paramref name="bStride"/> apart (packed: NR; read in place: B's row length): the register kernel straight into
    /// C, or, for a ragged edge, into the MR x NR scratch tile with alpha 1, beta 0, and then row by row.
    /// C is not read when beta is zero (so it may hold NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(int kc, T[] packA, int aOffset, T[] bData, int bOffset, int bStride, int rows, int cols,
        T[] c, int cIndex, int ldc, T alpha, T beta, T[] tile)
    {
        if (rows == MR && cols == NR)
        {
            Kernel(kc, packA, aOffset, bData, bOffset, bStride, c, cIndex, ldc, alpha, beta);
            return;
        }
        Kernel(kc, packA, aOffset, bData, bOffset, bStride, tile, 0, NR, T.One, T.Zero);
        for (int r = 0; r < rows; r++)
            StoreRow(tile.AsSpan(r * NR, cols), c.AsSpan(cIndex + r * ldc, cols), alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel(int kc, T[] packA, int aOffset, T[] bData, int bOffset, int bStride, T[] c, int cIndex, int ldc, T alpha, T beta)
    {
        if (Wide) Kernel512(kc, packA, aOffset, bData, bOffset, bStride, c, cIndex, ldc, alpha, beta);
        else KernelVector(kc, packA, aOffset, bData, bOffset, bStride, c, cIndex, ldc, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void KernelVector(int kc, T[] packA, int aOffset, T[] bData, int bOffset, int bStride, T[] c, int cIndex, int ldc, T alpha, T beta)
    {
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        ref T ap = ref packA[aOffset];
        ref T bp = ref bData[bOffset];
        nuint vl = (nuint)Vector<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector.LoadUnsafe(ref bp);
            var b1 = Vector.LoadUnsafe(ref bp, vl);
            var a = new Vector<T>(ap);
            c00 = VectorMath.Fma(a, b0, c00); c01 = VectorMath.Fma(a, b1, c01);
            a = new Vector<T>(Unsafe.Add(ref ap, 1));
            c10 = VectorMath.Fma(a, b0, c10); c11 = VectorMath.Fma(a, b1, c11);
            a = new Vector<T>(Unsafe.Add(ref ap, 2));
            c20 = VectorMath.Fma(a, b0, c20); c21 = VectorMath.Fma(a, b1, c21);
            a = new Vector<T>(Unsafe.Add(ref ap, 3));
            c30 = VectorMath.Fma(a, b0, c30); c31 = VectorMath.Fma(a, b1, c31);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, bStride);
        }
        // No calls after the loop: the accumulators stay in registers (a call would make the JIT spill them inside it).
        ref T row = ref c[cIndex];
        nuint pitch = (nuint)ldc;
        var va = new Vector<T>(alpha);
        if (beta == T.Zero)
        {
            Vector.StoreUnsafe(c00 * va, ref row); Vector.StoreUnsafe(c01 * va, ref row, vl);
            Vector.StoreUnsafe(c10 * va, ref row, pitch); Vector.StoreUnsafe(c11 * va, ref row, pitch + vl);
            Vector.StoreUnsafe(c20 * va, ref row, 2 * pitch); Vector.StoreUnsafe(c21 * va, ref row, 2 * pitch + vl);
            Vector.StoreUnsafe(c30 * va, ref row, 3 * pitch); Vector.StoreUnsafe(c31 * va, ref row, 3 * pitch + vl);
            return;
        }
        var vb = new Vector<T>(beta);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row), c00 * va), ref row);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, vl), c01 * va), ref row, vl);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, pitch), c10 * va), ref row, pitch);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, pitch + vl), c11 * va), ref row, pitch + vl);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, 2 * pitch), c20 * va), ref row, 2 * pitch);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, 2 * pitch + vl), c21 * va), ref row, 2 * pitch + vl);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, 3 * pitch), c30 * va), ref row, 3 * pitch);
        Vector.StoreUnsafe(VectorMath.Fma(vb, Vector.LoadUnsafe(ref row, 3 * pitch + vl), c31 * va), ref row, 3 * pitch + vl);
    }

    /// <summary><see cref="KernelVector"/> with 512-bit vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(int kc, T[] packA, int aOffset, T[] bData, int bOffset, int bStride, T[] c, int cIndex, int ldc, T alpha, T beta)
    {
        Vector512<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<T> c20 = default, c21 = default, c30 = default, c31 = default;
        ref T ap = ref packA[aOffset];
        ref T bp = ref bData[bOffset];
        nuint vl = (nuint)Vector512<T>.Count;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.LoadUnsafe(ref bp);
            var b1 = Vector512.LoadUnsafe(ref bp, vl);
            var a = Vector512.Create(ap);
            c00 = Fma(a, b0, c00); c01 = Fma(a, b1, c01);
            a = Vector512.Create(Unsafe.Add(ref ap, 1));
            c10 = Fma(a, b0, c10); c11 = Fma(a, b1, c11);
            a = Vector512.Create(Unsafe.Add(ref ap, 2));
            c20 = Fma(a, b0, c20); c21 = Fma(a, b1, c21);
            a = Vector512.Create(Unsafe.Add(ref ap, 3));
            c30 = Fma(a, b0, c30); c31 = Fma(a, b1, c31);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, bStride);
        }
        ref T row = ref c[cIndex];
        nuint pitch = (nuint)ldc;
        var va = Vector512.Create(alpha);
        if (beta == T.Zero)
        {
            Vector512.StoreUnsafe(c00 * va, ref row); Vector512.StoreUnsafe(c01 * va, ref row, vl);
            Vector512.StoreUnsafe(c10 * va, ref row, pitch); Vector512.StoreUnsafe(c11 * va, ref row, pitch + vl);
            Vector512.StoreUnsafe(c20 * va, ref row, 2 * pitch); Vector512.StoreUnsafe(c21 * va, ref row, 2 * pitch + vl);
            Vector512.StoreUnsafe(c30 * va, ref row, 3 * pitch); Vector512.StoreUnsafe(c31 * va, ref row, 3 * pitch + vl);
            return;
        }
        var vb = Vector512.Create(beta);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row), c00 * va), ref row);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, vl), c01 * va), ref row, vl);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, pitch), c10 * va), ref row, pitch);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, pitch + vl), c11 * va), ref row, pitch + vl);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, 2 * pitch), c20 * va), ref row, 2 * pitch);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, 2 * pitch + vl), c21 * va), ref row, 2 * pitch + vl);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, 3 * pitch), c30 * va), ref row, 3 * pitch);
        Vector512.StoreUnsafe(Fma(vb, Vector512.LoadUnsafe(ref row, 3 * pitch + vl), c31 * va), ref row, 3 * pitch + vl);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    /// <summary>C row (+)= alpha * acc (+ beta * C row); C is not read when beta is zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreRow(ReadOnlySpan<T> acc, Span<T> row, T alpha, T beta)
    {
        ref T ar = ref MemoryMarshal.GetReference(acc);
        ref T rr = ref MemoryMarshal.GetReference(row);
        int j = 0, n = row.Length;
        Vector<T> va = new(alpha), vb = new(beta);
        for (; j <= n - Vector<T>.Count; j += Vector<T>.Count)
        {
            var v = Vector.LoadUnsafe(ref ar, (nuint)j) * va;
            if (beta != T.Zero) v = VectorMath.Fma(vb, Vector.LoadUnsafe(ref rr, (nuint)j), v);
            Vector.StoreUnsafe(v, ref rr, (nuint)j);
        }
        for (; j < n; j++)
            Unsafe.Add(ref rr, j) = beta == T.Zero ? alpha * Unsafe.Add(ref ar, j) : beta * Unsafe.Add(ref rr, j) + alpha * Unsafe.Add(ref ar, j);
    }
}
