namespace Parsec.Autodiff;

/// <summary>Row-major C (M, N) = Alpha * op(A) * op(B) + Beta * C, op(A) is (M, K), op(B) is (K, N).</summary>
public sealed record GemmArgs
{
    public GemmArgs(bool transposeA, bool transposeB, int m, int n, int k, double alpha, Storage a, Storage b, double beta, Storage c)
    {
        var check = new OpCheck("Gemm");
        if (m < 0 || n < 0 || k < 0) throw check.Error($"negative size m={m} n={n} k={k}");
        check.Floats(a, b, c);
        check.Length(a, (long)m * k, $"A ({(transposeA ? $"{k}x{m}" : $"{m}x{k}")})");
        check.Length(b, (long)k * n, $"B ({(transposeB ? $"{n}x{k}" : $"{k}x{n}")})");
        check.Length(c, (long)m * n, $"C ({m}x{n})");
        (TransposeA, TransposeB, M, N, K, Alpha, A, B, Beta, C) = (transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    }

    public bool TransposeA { get; }
    public bool TransposeB { get; }
    public int M { get; }
    public int N { get; }
    public int K { get; }
    public double Alpha { get; }
    public Storage A { get; }  // (M, K), or (K, M) when TransposeA
    public Storage B { get; }  // (K, N), or (N, K) when TransposeB
    public double Beta { get; }
    public Storage C { get; }  // (M, N)
}

/// <summary>y[r, c] += bias[c] for a (Rows, Cols) matrix.</summary>
public sealed record AddBiasArgs
{
    public AddBiasArgs(Storage y, Storage bias, int rows, int cols)
    {
        BiasCheck.Run("AddBias", y, bias, rows, cols);
        (Y, Bias, Rows, Cols) = (y, bias, rows, cols);
    }

    public Storage Y { get; }     // (Rows, Cols)
    public Storage Bias { get; }  // (Cols)
    public int Rows { get; }
    public int Cols { get; }
}

/// <summary>dbias[c] (+)= sum over r of dy[r, c].</summary>
public sealed record BiasBackwardArgs
{
    public BiasBackwardArgs(Storage dy, int rows, int cols, Storage dbias, bool accumulate)
    {
        BiasCheck.Run("BiasBackward", dy, dbias, rows, cols);
        (Dy, Rows, Cols, Dbias, Accumulate) = (dy, rows, cols, dbias, accumulate);
    }

    public Storage Dy { get; }     // (Rows, Cols)
    public int Rows { get; }
    public int Cols { get; }
    public Storage Dbias { get; }  // (Cols)
    public bool Accumulate { get; }
}

internal static class BiasCheck
{
    public static void Run(string op, Storage matrix, Storage bias, int rows, int cols)
    {
        var check = new OpCheck(op);
        if (rows < 0 || cols < 0) throw check.Error($"negative size rows={rows} cols={cols}");
        check.Floats(matrix, bias);
        check.Length(matrix, (long)rows * cols, $"the ({rows}, {cols}) matrix");
        check.Length(bias, cols, "the bias");
    }
}
