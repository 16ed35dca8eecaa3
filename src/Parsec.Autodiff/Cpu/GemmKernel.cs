using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Row-major C (m, n) = alpha * op(A) op(B) + beta * C as a blocked GEMM: op(A) is packed into panels of
/// <see cref="MR"/> rows and op(B), unless it can be read in place, into panels of <see cref="NR"/> columns
/// (both zero-padded, and both absorbing the transposes); a register-tiled micro-kernel (<see cref="GemmMicroKernel{T}"/>)
/// then keeps an MR x NR block of C in 8 SIMD registers while it streams through the panels. A B^T with long rows
/// goes to <see cref="DotProductGemm{T}"/> instead. Single-threaded: callers parallelise over independent
/// products (samples, groups) or over column ranges.
/// </summary>
internal static class GemmKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Rows per register tile: 4 divides every channel count of the search space (multiples of 8).</summary>
    internal const int MR = GemmMicroKernel<T>.MR;
    internal const int KC = 256;
    private const int MC = 24 * MR;
    /// <summary>Columns per register tile: two SIMD vectors (see <see cref="GemmMicroKernel{T}"/>).</summary>
    internal static int NR => GemmMicroKernel<T>.NR;
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
                    if (!bInPlace) PackB(b.At(pc, jc), kc, nc, packB, kc, 0, relu: false);
                    for (int ic = 0; ic < m; ic += MC)
                    {
                        int mc = Math.Min(MC, m - ic);
                        PackA(a.At(ic, pc), mc, kc, packA, kc, 0);
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
                                PackB(b.At(pc, jc + jr), kc, cols, packB, kc, 0, relu: false); // the ragged last panel, zero-padded
                                bOffset = 0;
                            }
                            for (int ir = 0; ir < mc; ir += MR)
                                GemmMicroKernel<T>.Block(kc, packA, ir * kc, bData, bOffset, bStride, Math.Min(MR, mc - ir), cols,
                                    c, cOffset + (ic + ir) * ldc + jc + jr, ldc, alpha, sliceBeta, tile);
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

    internal static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static void ScaleC(int m, int n, T beta, T[] c, int cOffset, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = c.AsSpan(cOffset + i * ldc, n);
            if (beta == T.Zero) row.Clear();
            else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>
    /// packA[panel * kcTotal + (pOffset + p) * MR + r] = op(A)[panel * MR + r, p] for p &lt; kc, rows past mc zero: the
    /// columns [pOffset, pOffset + kc) of panels kcTotal long (a batched product packs several operands into one panel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackA(MatrixView<T> a, int mc, int kc, T[] packA, int kcTotal, int pOffset)
    {
        for (int i0 = 0; i0 < mc; i0 += MR)
        {
            int rows = Math.Min(MR, mc - i0);
            int panel = i0 * kcTotal + pOffset * MR;
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

    /// <summary>
    /// packB[panel * kcTotal + (pOffset + p) * NR + j] = op(B)[p, panel * NR + j] for p &lt; kc, columns past nc zero
    /// (rows [pOffset, pOffset + kc) of panels kcTotal long); with relu the packed values are max(op(B), 0).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackB(MatrixView<T> b, int kc, int nc, T[] packB, int kcTotal, int pOffset, bool relu)
    {
        int nr = NR;
        for (int j0 = 0; j0 < nc; j0 += nr)
        {
            int cols = Math.Min(nr, nc - j0);
            int panel = j0 * kcTotal + pOffset * nr;
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
                    if (relu) for (int p = 0; p < kc; p++) packB[panel + p * nr + j] = T.Max(b.Data[src + p], T.Zero);
                    else for (int p = 0; p < kc; p++) packB[panel + p * nr + j] = b.Data[src + p];
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    var dst = packB.AsSpan(panel + p * nr, nr);
                    ConvolutionWindow.CopyRow<T>(b.Data.AsSpan(b.Offset + p * b.Ld + j0, cols), dst, relu);
                    if (cols < nr) dst[cols..].Clear();
                }
            }
        }
    }

}
