using System.Numerics;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Gemm(GemmArgs g)
    {
        if (IsDouble(g.A)) Gemm(g.TransposeA, g.TransposeB, g.M, g.N, g.K, g.Alpha, Arr<double>(g.A), Arr<double>(g.B), g.Beta, Arr<double>(g.C));
        else Gemm(g.TransposeA, g.TransposeB, g.M, g.N, g.K, (float)g.Alpha, Arr<float>(g.A), Arr<float>(g.B), (float)g.Beta, Arr<float>(g.C));
    }

    private static void Gemm<T>(bool transposeA, bool transposeB, int m, int n, int k, T alpha, T[] a, T[] b, T beta, T[] c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var va = new MatrixView<T>(a, 0, transposeA ? m : k, transposeA);
        var vb = new MatrixView<T>(b, 0, transposeB ? k : n, transposeB);
        // Large products split into column ranges, each a complete independent GEMM.
        const int columnQuantum = 64;
        int ranges = CpuParallel.RangeCount((n + columnQuantum - 1) / columnQuantum, (long)m * k * columnQuantum);
        if (ranges <= 1)
        {
            GemmKernel<T>.Multiply(m, n, k, alpha, va, vb, beta, c, 0, n);
            return;
        }
        int quanta = (n + columnQuantum - 1) / columnQuantum;
        Parallel.For(0, ranges, r =>
        {
            var (q0, q1) = CpuParallel.Range(quanta, ranges, r);
            int j0 = q0 * columnQuantum, j1 = Math.Min(n, q1 * columnQuantum);
            GemmKernel<T>.Multiply(m, j1 - j0, k, alpha, va, vb.At(0, j0), beta, c, j0, n);
        });
    }

    public void AddBias(AddBiasArgs a)
    {
        if (IsDouble(a.Y)) AddBias(Arr<double>(a.Y), Arr<double>(a.Bias), a.Rows, a.Cols);
        else AddBias(Arr<float>(a.Y), Arr<float>(a.Bias), a.Rows, a.Cols);
    }

    private static void AddBias<T>(T[] y, T[] bias, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = y.AsSpan(r * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.Add(row, bias.AsSpan(0, cols), row);
        }
    }

    public void BiasBackward(BiasBackwardArgs a)
    {
        if (IsDouble(a.Dy)) BiasBackward(Arr<double>(a.Dy), a.Rows, a.Cols, Arr<double>(a.Dbias), a.Accumulate);
        else BiasBackward(Arr<float>(a.Dy), a.Rows, a.Cols, Arr<float>(a.Dbias), a.Accumulate);
    }

    private static void BiasBackward<T>(T[] dy, int rows, int cols, T[] dbias, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = dbias.AsSpan(0, cols);
        if (!accumulate) sum.Clear();
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, dy.AsSpan(r * cols, cols), sum);
    }
}
