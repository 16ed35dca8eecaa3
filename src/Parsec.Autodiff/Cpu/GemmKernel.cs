using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Row-major C (m, n) = alpha * op(A) op(B) + beta * C as a blocked GEMM: op(A) is packed into panels of
/// <see cref="MR"/> rows and op(B), unless it can be read in place, into panels of <see cref="NR"/> columns
/// (both zero-padded, and both absorbing the transposes); a register-tiled micro-kernel then keeps an
/// MR x NR block of C in 8 SIMD registers while it streams through the panels. A B^T with long rows
/// goes to <see cref="DotProductGemm{T}"/> instead. Single-threaded: callers parallelise over independent
/// products (samples, groups) or over column ranges.
/// </summary>
internal static class GemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per register tile: 4 divides every channel count of the search space (multiples of 8).</summary>
    private const int MR = 4;
    private const int KC = 256;
    private const int MC = 24 * MR;
    private static int VL => Vector<T>.Count;
    private static int NR => 2 * Vector<T>.Count;
    /// <summary>Columns of B packed at once: a KC x NC block stays within the last-level cache.</summary>
    private static int NC => 128 * NR;

    public static void Multiply(int m, int n, int k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta, T[] c, int cOffset, int ldc)
    {
        if (m <= 0 || n <= 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleC(m, n, beta, c, cOffset, ldc);
            return;
        }
        if ((long)m * n * k <= SmallProduct || m < 3 || n < 3)
        {
            MultiplySmall(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
            return;
        }
        if (!a.Transposed && b.Transposed && k >= DotProductDepth)
        {
            DotProductGemm<T>.Multiply(m, n, k, alpha, a, b, beta, c, cOffset, ldc);
            return;
        }
        // Packing B pays only when a packed panel is reused by several blocks of A's rows. With at most MC
        // rows (every convolution here) a row-major B is read in place, saving a full copy of it.
        bool bInPlace = !b.Transposed && m <= MC;
        var packA = ArrayPool<T>.Shared.Rent(MC * KC);
        var packB = ArrayPool<T>.Shared.Rent(KC * (bInPlace ? NR : Math.Min(NC, RoundUp(n, NR))));
        var tile = ArrayPool<T>.Shared.Rent(MR * NR);
        try
        {
            for (int jc = 0; jc < n; jc += NC)
            {
                int nc = Math.Min(NC, n - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    // Only the first slice of k applies beta; later slices add to what it wrote.
                    T sliceBeta = pc == 0 ? beta : T.One;
                    if (!bInPlace) PackB(b.At(pc, jc), kc, nc, packB);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(a.At(ic, pc), mc, kc, packA);
                        for (int jr = 0; jr < nc; jr += NR)
                        {
                            int cols = Math.Min(NR, nc - jr);
                            T[] bData = packB;
                            int bOffset = jr * kc, bStride = NR;
                            if (bInPlace && cols == NR)
                            {
                                var panel = b.At(pc, jc + jr);
                                (bData, bOffset, bStride) = (panel.Data, panel.Offset, panel.Ld);
                            }
                            else if (bInPlace)
                            {
                                PackB(b.At(pc, jc + jr), kc, cols, packB); // the ragged last panel, zero-padded
                                bOffset = 0;
                            }
                            for (int ir = 0; ir < mc; ir += MR)
                            {
                                int rows = Math.Min(MR, mc - ir), cIndex = cOffset + (ic + ir) * ldc + jc + jr;
                                if (rows == MR && cols == NR)
                                {
                                    MicroKernel(kc, packA, ir * kc, bData, bOffset, bStride, c, cIndex, ldc, alpha, sliceBeta);
                                    continue;
                                }
                                MicroKernel(kc, packA, ir * kc, bData, bOffset, bStride, tile, 0, NR, T.One, T.Zero);
                                for (int r = 0; r < rows; r++)
                                    StoreRow(tile.AsSpan(r * NR, NR), c, cIndex + r * ldc, cols, alpha, sliceBeta);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packA);
            ArrayPool<T>.Shared.Return(packB);
            ArrayPool<T>.Shared.Return(tile);
        }
    }

    /// <summary>From this inner dimension on, C = A B^T with both operands row-major is computed as blocked dot products.</summary>
    private const int DotProductDepth = 64;

    /// <summary>Below this many multiply-adds packing costs more than it saves.</summary>
    private const long SmallProduct = 16 * 1024;

    /// <summary>
    /// Unpacked loops for tiny or vector-shaped products: rows of C built from SIMD axpys over rows of B,
    /// or, when B is transposed (its columns are contiguous), from dot products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplySmall(int m, int n, int k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta, T[] c, int cOffset, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(cOffset + i * ldc, n);
            if (!b.Transposed)
            {
                if (beta == T.Zero) row.Clear();
                else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
                for (int p = 0; p < k; p++)
                    VectorMath.Axpy(alpha * A(a, i, p), b.Data.AsSpan(b.Offset + p * b.Ld, n), row);
                continue;
            }
            for (int j = 0; j < n; j++)
            {
                var bColumn = b.Data.AsSpan(b.Offset + j * b.Ld, k);
                T dot;
                if (!a.Transposed) dot = VectorMath.Dot<T>(a.Data.AsSpan(a.Offset + i * a.Ld, k), bColumn);
                else
                {
                    dot = T.Zero;
                    for (int p = 0; p < k; p++) dot += a.Data[a.Offset + p * a.Ld + i] * bColumn[p];
                }
                row[j] = beta == T.Zero ? alpha * dot : alpha * dot + beta * row[j];
            }
        }
    }

    private static T A(MatrixView<T> a, int i, int p) => a.Transposed ? a.Data[a.Offset + p * a.Ld + i] : a.Data[a.Offset + i * a.Ld + p];

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void ScaleC(int m, int n, T beta, T[] c, int cOffset, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(cOffset + i * ldc, n);
            if (beta == T.Zero) row.Clear();
            else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>packA[(panel * kc + p) * MR + r] = op(A)[panel * MR + r, p], rows past mc zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(MatrixView<T> a, int mc, int kc, T[] packA)
    {
        for (int i0 = 0; i0 < mc; i0 += MR)
        {
            int rows = Math.Min(MR, mc - i0);
            int panel = i0 * kc;
            for (int r = 0; r < MR; r++)
            {
                if (r >= rows)
                {
                    for (int p = 0; p < kc; p++) packA[panel + p * MR + r] = T.Zero;
                    continue;
                }
                int i = i0 + r;
                if (a.Transposed)
                    for (int p = 0; p < kc; p++) packA[panel + p * MR + r] = a.Data[a.Offset + p * a.Ld + i];
                else
                {
                    int src = a.Offset + i * a.Ld;
                    for (int p = 0; p < kc; p++) packA[panel + p * MR + r] = a.Data[src + p];
                }
            }
        }
    }

    /// <summary>packB[(panel * kc + p) * NR + j] = op(B)[p, panel * NR + j], columns past nc zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(MatrixView<T> b, int kc, int nc, T[] packB)
    {
        int nr = NR;
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            int panel = j0 * kc;
            if (b.Transposed)
            {
                for (int j = 0; j < nr; j++)
                {
                    if (j >= cols)
                    {
                        for (int p = 0; p < kc; p++) packB[panel + p * nr + j] = T.Zero;
                        continue;
                    }
                    int src = b.Offset + (j0 + j) * b.Ld;
                    for (int p = 0; p < kc; p++) packB[panel + p * nr + j] = b.Data[src + p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    var dst = packB.AsSpan(panel + p * nr, nr);
                    b.Data.AsSpan(b.Offset + p * b.Ld + j0, cols).CopyTo(dst);
                    if (cols < nr) dst[cols..].Clear();
                }
            }
        }
    }

    /// <summary>
    /// C[MR x NR block at cIndex] = alpha * (packed A panel (MR x kc) times a B panel of kc rows of NR values,
    /// rows <paramref name="bStride"/> apart) + beta * C. B is packed (stride NR) or read in place (stride = its
    /// row length). C is not read when beta is zero. Ragged edge tiles go through a scratch tile with alpha 1, beta 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel(int kc, T[] packA, int aOffset, T[] bData, int bOffset, int bStride, T[] c, int cIndex, int ldc, T alpha, T beta)
    {
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector<T> c20 = default, c21 = default, c30 = default, c31 = default;
        ref T ap = ref packA[aOffset];
        ref T bp = ref bData[bOffset];
        nuint vl = (nuint)VL;
        // 8 accumulators cover the FMA latency of two pipes; per step 2 loads of B and 4 broadcasts of A feed 8 FMAs.
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

    /// <summary>C[row, 0..cols) = alpha * acc + beta * C (C is not read when beta is zero, so it may hold NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StoreRow(ReadOnlySpan<T> acc, T[] c, int offset, int cols, T alpha, T beta)
    {
        int vl = VL;
        var row = c.AsSpan(offset, cols);
        if (cols == 2 * vl)
        {
            var va = new Vector<T>(alpha);
            var acc0 = new Vector<T>(acc) * va;
            var acc1 = new Vector<T>(acc[vl..]) * va;
            if (beta != T.Zero)
            {
                var vb = new Vector<T>(beta);
                acc0 = VectorMath.Fma(vb, new Vector<T>(row), acc0);
                acc1 = VectorMath.Fma(vb, new Vector<T>(row[vl..]), acc1);
            }
            acc0.CopyTo(row);
            acc1.CopyTo(row[vl..]);
            return;
        }
        for (int j = 0; j < cols; j++)
            row[j] = beta == T.Zero ? alpha * acc[j] : beta * row[j] + alpha * acc[j];
    }
}
