using System.Buffers;
using System.Numerics;

namespace Parsec.Autodiff.Cpu;

/// <summary>
/// The two batched products of a 1x1 convolution, on <see cref="GemmKernel{T}"/>'s packing and register kernel.
/// Per sample the products are small (an 8 x 8 plane is a 64-column B), so what a per-sample GEMM spends besides
/// multiplying (packing the weights again for every sample, or finishing a filter gradient after a 64-long inner
/// dimension with horizontal sums) is a large part of it:
/// <list type="bullet">
/// <item><see cref="PackedA"/>: op(A) packed once and multiplied with each sample's B (forward, data gradient).</item>
/// <item><see cref="ReduceOverBatch"/>: sum over samples of op(A_b) op(B_b) as one product whose inner dimension
///   runs through all the samples (filter gradient).</item>
/// </list>
/// B may be read through a ReLU (a convolution with a fused input ReLU), applied as it is packed.
/// </summary>
internal static class BatchedGemm<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static int MR => GemmKernel<T>.MR;
    private static int NR => GemmKernel<T>.NR;
    private static int KC => GemmKernel<T>.KC;

    /// <summary>op(A) (m, k) packed in whole, as panels of MR rows (zero-padded) the full k long.</summary>
    public sealed class PackedA : IDisposable
    {
        private readonly T[] _pack, _packB, _tile;
        private readonly int _m, _k, _rows;

        public PackedA(int m, int k, MatrixView<T> a)
        {
            (_m, _k, _rows) = (m, k, GemmKernel<T>.RoundUp(m, MR));
            _pack = ArrayPool<T>.Shared.Rent(_rows * k);
            _packB = ArrayPool<T>.Shared.Rent(KC * NR);
            _tile = ArrayPool<T>.Shared.Rent(MR * NR);
            for (int pc = 0; pc < k; pc += KC) GemmKernel<T>.PackA(a.At(0, pc), m, Math.Min(KC, k - pc), _pack, k, pc);
        }

        /// <summary>
        /// C (m, n) = op(A) B + beta * C for a row-major B (k, n) (read in place, or packed with the ReLU applied when
        /// <paramref name="reluB"/>). C is not read when beta is zero.
        /// </summary>
        public void Multiply(int n, MatrixView<T> b, bool reluB, T beta, T[] c, int cOffset, int ldc)
        {
            for (int pc = 0; pc < _k; pc += KC)
            {
                int kc = Math.Min(KC, _k - pc);
                T sliceBeta = pc == 0 ? beta : T.One;
                for (int jr = 0; jr < n; jr += NR)
                {
                    int cols = Math.Min(NR, n - jr);
                    var panel = b.At(pc, jr);
                    T[] bData = panel.Data;
                    int bOffset = panel.Offset, bStride = panel.Ld;
                    if (reluB || cols < NR || b.Transposed)
                    {
                        GemmKernel<T>.PackB(panel, kc, cols, _packB, kc, 0, reluB);
                        (bData, bOffset, bStride) = (_packB, 0, NR);
                    }
                    for (int ir = 0; ir < _m; ir += MR)
                        GemmMicroKernel<T>.Block(kc, _pack, ir * _k + pc * MR, bData, bOffset, bStride, Math.Min(MR, _m - ir), cols,
                            c, cOffset + ir * ldc + jr, ldc, T.One, sliceBeta, _tile);
                }
            }
        }

        public void Dispose()
        {
            ArrayPool<T>.Shared.Return(_pack);
            ArrayPool<T>.Shared.Return(_packB);
            ArrayPool<T>.Shared.Return(_tile);
        }
    }

    /// <summary>
    /// C (m, n) = sum over b &lt; count of op(A_b) op(B_b) + beta * C, where op(A_b) is (m, k) and op(B_b) (k, n), and
    /// operand b is the first one moved by b * aStride (b * bStride) elements. The samples' inner dimensions are packed
    /// one after the other into slices of KC, so C is stored once per slice rather than once per sample.
    /// </summary>
    public static void ReduceOverBatch(int m, int n, int k, int count, MatrixView<T> a, int aStride, MatrixView<T> b, int bStride, bool reluB,
        T beta, T[] c, int cOffset, int ldc)
    {
        int total = k * count;
        var packA = ArrayPool<T>.Shared.Rent(GemmKernel<T>.RoundUp(m, MR) * KC);
        var packB = ArrayPool<T>.Shared.Rent(GemmKernel<T>.RoundUp(n, NR) * KC);
        var tile = ArrayPool<T>.Shared.Rent(MR * NR);
        try
        {
            for (int pc = 0; pc < total; pc += KC)
            {
                int kc = Math.Min(KC, total - pc);
                // Slice [pc, pc + kc) of the concatenated inner dimension, sample by sample.
                for (int q = pc; q < pc + kc;)
                {
                    int sample = q / k, p0 = q % k, length = Math.Min(k - p0, pc + kc - q);
                    var aSample = a with { Offset = a.Offset + sample * aStride };
                    var bSample = b with { Offset = b.Offset + sample * bStride };
                    GemmKernel<T>.PackA(aSample.At(0, p0), m, length, packA, kc, q - pc);
                    GemmKernel<T>.PackB(bSample.At(p0, 0), length, n, packB, kc, q - pc, reluB);
                    q += length;
                }
                T sliceBeta = pc == 0 ? beta : T.One;
                for (int jr = 0; jr < n; jr += NR)
                    for (int ir = 0; ir < m; ir += MR)
                        GemmMicroKernel<T>.Block(kc, packA, ir * kc, packB, jr * kc, NR, Math.Min(MR, m - ir), Math.Min(NR, n - jr),
                            c, cOffset + ir * ldc + jr, ldc, T.One, sliceBeta, tile);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packA);
            ArrayPool<T>.Shared.Return(packB);
            ArrayPool<T>.Shared.Return(tile);
        }
    }
}
