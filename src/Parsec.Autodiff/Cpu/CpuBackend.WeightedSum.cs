using System.Numerics;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    /// <summary>Elements summed per pass over the sources: one block of double accumulators stays in L1.</summary>
    private const int WeightedSumBlock = 512;

    public void WeightedSum(WeightedSumArgs a)
    {
        if (IsDouble(a.Y)) WeightedSum(a.Sources.Select(Arr<double>).ToArray(), a.Weights, Arr<double>(a.Y), (int)a.Y.Length, a.Beta);
        else WeightedSum(a.Sources.Select(Arr<float>).ToArray(), a.Weights, Arr<float>(a.Y), (int)a.Y.Length, a.Beta);
    }

    /// <summary>
    /// Per element: acc = beta * y (0 when beta is 0); acc = fma(w_s, x_s, acc) for s in order; y = acc. kernels/weighted_sum.cu does the
    /// same per thread, so both backends give the same bits. Blocks of elements are independent, so the parallel
    /// split does not change any element's arithmetic.
    /// </summary>
    private static void WeightedSum<T>(T[][] sources, IReadOnlyList<double> weights, T[] y, int length, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var w = weights.ToArray();
        CpuParallel.ForChunks(length, (start, count) =>
        {
            Span<double> acc = stackalloc double[WeightedSumBlock];
            for (int block = start; block < start + count; block += WeightedSumBlock)
            {
                int n = Math.Min(WeightedSumBlock, start + count - block);
                var sums = acc[..n];
                if (beta != 0)
                    for (int i = 0; i < n; i++) sums[i] = beta * double.CreateTruncating(y[block + i]);
                else sums.Clear();
                for (int s = 0; s < sources.Length; s++)
                {
                    var x = sources[s].AsSpan(block, n);
                    double ws = w[s];
                    for (int i = 0; i < n; i++) sums[i] = Math.FusedMultiplyAdd(ws, double.CreateTruncating(x[i]), sums[i]);
                }
                for (int i = 0; i < n; i++) y[block + i] = T.CreateTruncating(sums[i]);
            }
        });
    }
}
