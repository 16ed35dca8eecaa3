using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class GemmTests
{
    private static double[] Naive(bool ta, bool tb, int m, int n, int k, double alpha, double[] a, double[] b, double beta, double[] c)
    {
        var result = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
                result[i * n + j] = alpha * sum + (beta == 0 ? 0 : beta * c[i * n + j]);
            }
        return result;
    }

    /// <summary>
    /// Sizes cover the unpacked small path, edge tiles narrower than the register block, more than one
    /// k slice (k > 256), more than one row block (m > 96), and a product large enough to split across threads.
    /// </summary>
    [Test]
    public void GemmMatchesTheDefinition(
        [Values(false, true)] bool transposeA,
        [Values(false, true)] bool transposeB,
        [Values(new[] { 1, 1, 1 }, new[] { 7, 13, 5 }, new[] { 2, 40, 9 }, new[] { 31, 37, 41 }, new[] { 103, 70, 300 }, new[] { 64, 530, 72 })] int[] size,
        [Values(DType.Float64, DType.Float32)] DType dtype)
    {
        int m = size[0], n = size[1], k = size[2];
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(71);
        var a = TestData.Uniform(rng, m * k);
        var b = TestData.Uniform(rng, k * n);
        var c = TestData.Uniform(rng, m * n);
        using var ta = Tensor.FromArray(backend, a, [m * k], dtype);
        using var tb = Tensor.FromArray(backend, b, [k * n], dtype);
        using var tc = Tensor.FromArray(backend, c, [m * n], dtype);
        backend.Gemm(new GemmArgs(transposeA, transposeB, m, n, k, 0.75, ta.Storage, tb.Storage, -1.5, tc.Storage));
        double tolerance = dtype == DType.Float64 ? 1e-12 : 2e-4 * Math.Sqrt(k);
        Assert.That(tc.ToDoubleArray(), Is.EqualTo(Naive(transposeA, transposeB, m, n, k, 0.75, a, b, -1.5, c)).Within(tolerance));
    }

    [Test]
    public void BetaZeroIgnoresWhateverTheOutputHeld([Values(new[] { 3, 4, 5 }, new[] { 40, 50, 60 })] int[] size)
    {
        int m = size[0], n = size[1], k = size[2];
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(72);
        var a = TestData.Uniform(rng, m * k);
        var b = TestData.Uniform(rng, k * n);
        using var ta = TestData.Input(backend, a, [m * k], "a");
        using var tb = TestData.Input(backend, b, [k * n], "b");
        using var tc = Tensor.Empty(backend, [m * n], DType.Float64, BufferCategory.Activations); // NaN-poisoned
        backend.Gemm(new GemmArgs(false, false, m, n, k, 1, ta.Storage, tb.Storage, 0, tc.Storage));
        Assert.That(tc.ToDoubleArray(), Is.EqualTo(Naive(false, false, m, n, k, 1, a, b, 0, new double[m * n])).Within(1e-12));
    }

    [Test]
    public void EmptyInnerDimensionScalesTheOutputByBeta()
    {
        using var backend = new CpuBackend();
        using var a = Tensor.Empty(backend, [0], DType.Float64, BufferCategory.Inputs);
        using var c = TestData.Input(backend, [1, 2, 3, 4], [4], "c");
        backend.Gemm(new GemmArgs(false, false, 2, 2, 0, 1, a.Storage, a.Storage, 2, c.Storage));
        Assert.That(c.ToDoubleArray(), Is.EqualTo(new double[] { 2, 4, 6, 8 }));
    }

    [Test]
    public void MismatchedLengthsAreRejected()
    {
        using var backend = new CpuBackend();
        using var a = Tensor.Zeros(backend, [6], DType.Float64, BufferCategory.Inputs);
        using var c = Tensor.Zeros(backend, [4], DType.Float64, BufferCategory.Inputs);
        var error = Assert.Throws<ArgumentException>(() => backend.Gemm(new GemmArgs(false, false, 2, 2, 2, 1, a.Storage, a.Storage, 0, c.Storage)));
        Assert.That(error!.Message, Does.Contain("Gemm").And.Contain("A (2x2)"));
    }
}
