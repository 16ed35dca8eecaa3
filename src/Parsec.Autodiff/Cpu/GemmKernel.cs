using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Row-major C (m, n) = alpha * op(A) op(B) + beta * C as a blocked GEMM: op(B) is packed into panels of
/// <see cref="NR"/> columns and op(A) into panels of <see cref="MR"/> rows (both zero-padded, and both
/// absorbing the transposes), then a register-tiled micro-kernel keeps an MR x NR block of C in
/// 12 SIMD registers while it streams through the packed panels. Single-threaded: callers parallelise
/// over independent products (samples, groups) or over column ranges.
/// </summary>
internal static class GemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MR = 6;
    private const int KC = 256;
    private const int MC = 16 * MR;
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
        var packA = ArrayPool<T>.Shared.Rent(MC * KC);
        var packB = ArrayPool<T>.Shared.Rent(KC * Math.Min(NC, RoundUp(n, NR)));
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
                    PackB(b.At(pc, jc), kc, nc, packB);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(a.At(ic, pc), mc, kc, packA);
                        for (int jr = 0; jr < nc; jr += NR)
                            for (int ir = 0; ir < mc; ir += MR)
                                MicroTile(kc, packA, ir * kc, packB, jr * kc, c, cOffset + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.Min(MR, mc - ir), Math.Min(NR, nc - jr), alpha, sliceBeta);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packA);
            ArrayPool<T>.Shared.Return(packB);
        }
    }

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

    private static void MicroTile(int kc, T[] packA, int aOffset, T[] packB, int bOffset, T[] c, int cOffset, int ldc,
        int rows, int cols, T alpha, T beta)
    {
        Vector<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        ref T ap = ref packA[aOffset];
        ref T bp = ref packB[bOffset];
        nuint vl = (nuint)VL;
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
            a = new Vector<T>(Unsafe.Add(ref ap, 4));
            c40 = VectorMath.Fma(a, b0, c40); c41 = VectorMath.Fma(a, b1, c41);
            a = new Vector<T>(Unsafe.Add(ref ap, 5));
            c50 = VectorMath.Fma(a, b0, c50); c51 = VectorMath.Fma(a, b1, c51);
            ap = ref Unsafe.Add(ref ap, MR);
            bp = ref Unsafe.Add(ref bp, 2 * vl);
        }
        // Spill the tile to the stack before touching C: calls made while the 12 accumulators are live
        // would force the register allocator to keep them in memory inside the loop above.
        Span<T> tile = stackalloc T[MR * 2 * VL];
        int vlen = VL;
        c00.CopyTo(tile); c01.CopyTo(tile[vlen..]);
        c10.CopyTo(tile[(2 * vlen)..]); c11.CopyTo(tile[(3 * vlen)..]);
        c20.CopyTo(tile[(4 * vlen)..]); c21.CopyTo(tile[(5 * vlen)..]);
        c30.CopyTo(tile[(6 * vlen)..]); c31.CopyTo(tile[(7 * vlen)..]);
        c40.CopyTo(tile[(8 * vlen)..]); c41.CopyTo(tile[(9 * vlen)..]);
        c50.CopyTo(tile[(10 * vlen)..]); c51.CopyTo(tile[(11 * vlen)..]);
        for (int r = 0; r < rows; r++)
            StoreRow(tile.Slice(r * 2 * vlen, 2 * vlen), c, cOffset + r * ldc, cols, alpha, beta);
    }

    /// <summary>C[row, 0..cols) = alpha * acc + beta * C (C is not read when beta is zero, so it may hold NaN).</summary>
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
