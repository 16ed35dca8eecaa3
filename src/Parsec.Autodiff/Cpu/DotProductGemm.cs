using System.Numerics;
using System.Runtime.CompilerServices;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// C (m, n) = alpha * A B^T + beta * C where A (m, k) and B (n, k) are both row-major: every element of C is
/// a dot product of two contiguous rows. This is the shape of every filter gradient (dY times the input or
/// its unfolded columns, transposed) with a long inner dimension (the output plane), where packing would
/// copy far more than it saves. Blocks of 2 rows of A by 4 rows of B share their loads across 8 accumulators.
/// </summary>
internal static class DotProductGemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static void Multiply(int m, int n, int k, T alpha, MatrixView<T> a, MatrixView<T> b, T beta, T[] c, int cOffset, int ldc)
    {
        int i = 0;
        for (; i + 2 <= m; i += 2)
        {
            int j = 0;
            for (; j + 4 <= n; j += 4) Block2x4(k, a, i, b, j, alpha, beta, c, cOffset + i * ldc + j, ldc);
            for (; j < n; j++)
            {
                Store(c, cOffset + i * ldc + j, alpha, beta, Dot(k, a, i, b, j));
                Store(c, cOffset + (i + 1) * ldc + j, alpha, beta, Dot(k, a, i + 1, b, j));
            }
        }
        for (; i < m; i++)
            for (int j = 0; j < n; j++)
                Store(c, cOffset + i * ldc + j, alpha, beta, Dot(k, a, i, b, j));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(T[] c, int index, T alpha, T beta, T dot) =>
        c[index] = beta == T.Zero ? alpha * dot : alpha * dot + beta * c[index];

    private static T Dot(int k, MatrixView<T> a, int i, MatrixView<T> b, int j) =>
        VectorMath.Dot<T>(a.Data.AsSpan(a.Offset + i * a.Ld, k), b.Data.AsSpan(b.Offset + j * b.Ld, k));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block2x4(int k, MatrixView<T> a, int i, MatrixView<T> b, int j, T alpha, T beta, T[] c, int cIndex, int ldc)
    {
        ref T a0 = ref a.Data[a.Offset + i * a.Ld];
        ref T a1 = ref Unsafe.Add(ref a0, a.Ld);
        ref T b0 = ref b.Data[b.Offset + j * b.Ld];
        ref T b1 = ref Unsafe.Add(ref b0, b.Ld);
        ref T b2 = ref Unsafe.Add(ref b1, b.Ld);
        ref T b3 = ref Unsafe.Add(ref b2, b.Ld);
        Vector<T> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        int vl = Vector<T>.Count, p = 0;
        for (; p <= k - vl; p += vl)
        {
            nuint at = (nuint)p;
            var x0 = Vector.LoadUnsafe(ref a0, at);
            var x1 = Vector.LoadUnsafe(ref a1, at);
            var y = Vector.LoadUnsafe(ref b0, at);
            s00 = VectorMath.Fma(x0, y, s00); s10 = VectorMath.Fma(x1, y, s10);
            y = Vector.LoadUnsafe(ref b1, at);
            s01 = VectorMath.Fma(x0, y, s01); s11 = VectorMath.Fma(x1, y, s11);
            y = Vector.LoadUnsafe(ref b2, at);
            s02 = VectorMath.Fma(x0, y, s02); s12 = VectorMath.Fma(x1, y, s12);
            y = Vector.LoadUnsafe(ref b3, at);
            s03 = VectorMath.Fma(x0, y, s03); s13 = VectorMath.Fma(x1, y, s13);
        }
        T d00 = Vector.Sum(s00), d01 = Vector.Sum(s01), d02 = Vector.Sum(s02), d03 = Vector.Sum(s03);
        T d10 = Vector.Sum(s10), d11 = Vector.Sum(s11), d12 = Vector.Sum(s12), d13 = Vector.Sum(s13);
        for (; p < k; p++)
        {
            T x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p);
            T y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p), y2 = Unsafe.Add(ref b2, p), y3 = Unsafe.Add(ref b3, p);
            d00 += x0 * y0; d01 += x0 * y1; d02 += x0 * y2; d03 += x0 * y3;
            d10 += x1 * y0; d11 += x1 * y1; d12 += x1 * y2; d13 += x1 * y3;
        }
        Store(c, cIndex, alpha, beta, d00); Store(c, cIndex + 1, alpha, beta, d01);
        Store(c, cIndex + 2, alpha, beta, d02); Store(c, cIndex + 3, alpha, beta, d03);
        Store(c, cIndex + ldc, alpha, beta, d10); Store(c, cIndex + ldc + 1, alpha, beta, d11);
        Store(c, cIndex + ldc + 2, alpha, beta, d12); Store(c, cIndex + ldc + 3, alpha, beta, d13);
    }
}
