using System.Numerics;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, Storage a, Storage b, double beta, Storage c)
    {
        const string op = nameof(Gemm);
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"{op}: negative size m={m} n={n} k={k}");
        RequireLength(op, a, (long)m * k, $"A ({(transposeA ? $"{k}x{m}" : $"{m}x{k}")})");
        RequireLength(op, b, (long)k * n, $"B ({(transposeB ? $"{n}x{k}" : $"{k}x{n}")})");
        RequireLength(op, c, (long)m * n, $"C ({m}x{n})");
        if (IsDouble(op, a, b, c)) Gemm(transposeA, transposeB, m, n, k, alpha, Arr<double>(a), Arr<double>(b), beta, Arr<double>(c));
        else Gemm(transposeA, transposeB, m, n, k, (float)alpha, Arr<float>(a), Arr<float>(b), (float)beta, Arr<float>(c));
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

    public void AddBias(Storage y, Storage bias, int rows, int cols)
    {
        RequireLength(nameof(AddBias), y, (long)rows * cols, $"y ({rows}x{cols})");
        RequireLength(nameof(AddBias), bias, cols, "bias");
        if (IsDouble(nameof(AddBias), y, bias)) AddBias(Arr<double>(y), Arr<double>(bias), rows, cols);
        else AddBias(Arr<float>(y), Arr<float>(bias), rows, cols);
    }

    private static void AddBias<T>(T[] y, T[] bias, int rows, int cols) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = y.AsSpan(r * cols, cols);
            System.Numerics.Tensors.TensorPrimitives.Add(row, bias.AsSpan(0, cols), row);
        }
    }

    public void BiasBackward(Storage dy, int rows, int cols, Storage dbias, bool accumulate)
    {
        RequireLength(nameof(BiasBackward), dy, (long)rows * cols, $"dy ({rows}x{cols})");
        RequireLength(nameof(BiasBackward), dbias, cols, "dbias");
        if (IsDouble(nameof(BiasBackward), dy, dbias)) BiasBackward(Arr<double>(dy), rows, cols, Arr<double>(dbias), accumulate);
        else BiasBackward(Arr<float>(dy), rows, cols, Arr<float>(dbias), accumulate);
    }

    private static void BiasBackward<T>(T[] dy, int rows, int cols, T[] dbias, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var sum = dbias.AsSpan(0, cols);
        if (!accumulate) sum.Clear();
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(sum, dy.AsSpan(r * cols, cols), sum);
    }
}
