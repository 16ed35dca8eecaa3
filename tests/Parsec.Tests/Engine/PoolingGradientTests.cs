using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class PoolingGradientTests
{
    [Test]
    public void PoolGradientsMatch([Values] PoolKind kind, [Values(1, 2)] int stride)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        // Distinct, well separated values: no window has a tie that a finite-difference step could flip.
        using var x = Parameters.RequireGrad(TestData.Input(backend, TestData.DistinctShuffled(new Rng(51), 3 * 3 * 7 * 5), [3, 3, 7, 5], "x"));
        new GradientChecker(backend).AssertMatches(tape => tape.Pool2d(x, kind, 3, stride, 1), x);
    }

    [Test]
    public void UnpaddedEvenKernelPoolGradientsMatch([Values] PoolKind kind)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = Parameters.RequireGrad(TestData.Input(backend, TestData.DistinctShuffled(new Rng(52), 2 * 3 * 5 * 7), [2, 3, 5, 7], "x"));
        new GradientChecker(backend).AssertMatches(tape => tape.Pool2d(x, kind, 2, 2, 0), x);
    }

    [Test]
    public void AveragePoolExcludesPaddingFromTheCount()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        // 3x3 plane 1..9, 3x3 window, stride 1, padding 1.
        using var x = TestData.Input(backend, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3], "x");
        using var tape = new Tape(backend);
        var avg = tape.AvgPool3x3(x, 1).ToDoubleArray();
        Assert.That(avg[0], Is.EqualTo((1 + 2 + 4 + 5) / 4.0).Within(1e-15), "corner: four in-bounds elements");
        Assert.That(avg[1], Is.EqualTo((1 + 2 + 3 + 4 + 5 + 6) / 6.0).Within(1e-15), "edge: six");
        Assert.That(avg[4], Is.EqualTo(5).Within(1e-15), "centre: all nine");
        var max = tape.MaxPool3x3(x, 2).ToDoubleArray();
        Assert.That(max, Is.EqualTo(new double[] { 5, 6, 8, 9 }));
    }

    [Test]
    public void MaxPoolGradientGoesToTheFirstMaximumOfATie()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = Parameters.RequireGrad(TestData.Input(backend, [7, 7, 7, 7], [1, 1, 2, 2], "x"));
        using var weights = TestData.Input(backend, [1], [1, 1], "w");
        using var bias = Tensor.Zeros(backend, [1], DType.Float64, BufferCategory.Inputs);
        using var tape = new Tape(backend);
        var pooled = tape.Pool2d(x, PoolKind.Max, 2, 2, 0);
        tape.Backward(tape.Linear(tape.Reshape(pooled, 1, 1), weights, bias));
        Assert.That(x.Grad!.ToDoubleArray(), Is.EqualTo(new double[] { 1, 0, 0, 0 }));
    }

    /// <summary>
    /// Wide rows (so whole SIMD vectors of outputs are matched at once) full of ties, -inf and NaN, against
    /// PyTorch's scan written out: start at the first in-bounds element, move to strictly larger or NaN values.
    /// </summary>
    [Test]
    public void MaxPoolBackwardFollowsPyTorchsScanWithTiesInfinitiesAndNaN(
        [Values(DType.Float32, DType.Float64)] DType dtype, [Values(1, 2)] int stride, [Values(2, 3)] int kernel)
    {
        const int n = 2, c = 2, h = 7, w = 37;
        int padding = kernel / 2;
        var rng = new Rng(54);
        var x = new double[n * c * h * w];
        for (int i = 0; i < x.Length; i++)
            x[i] = rng.NextInt(20) switch { 0 => double.NegativeInfinity, 1 => double.NaN, var v => v % 3 };
        for (int i = 0; i < w; i++) x[i] = double.NegativeInfinity; // a row whose windows hold only -inf at the top
        var g = new Pool2dGeometry(new Shape4(n, c, h, w), PoolKind.Max, kernel, stride, padding);
        var dy = TestData.Uniform(rng, g.Output.Length);
        var expected = new double[x.Length];
        for (int p = 0; p < n * c; p++)
            for (int i = 0; i < g.OutH; i++)
                for (int j = 0; j < g.OutW; j++)
                {
                    int r0 = Math.Max(i * stride - padding, 0), c0 = Math.Max(j * stride - padding, 0);
                    int best = (p * h + r0) * w + c0;
                    double bestValue = double.NegativeInfinity;
                    for (int r = r0; r < Math.Min(i * stride - padding + kernel, h); r++)
                        for (int q = c0; q < Math.Min(j * stride - padding + kernel, w); q++)
                        {
                            double v = x[(p * h + r) * w + q];
                            if (v > bestValue || double.IsNaN(v)) { best = (p * h + r) * w + q; bestValue = v; }
                        }
                    expected[best] += dy[(p * g.OutH + i) * g.OutW + j];
                }
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var tx = Tensor.FromArray(backend, x, g.Input.ToArray(), dtype);
        using var ty = Tensor.Empty(backend, g.Output.ToArray(), dtype, BufferCategory.Activations);
        using var tdy = Tensor.FromArray(backend, dy, g.Output.ToArray(), dtype);
        using var tdx = Tensor.Empty(backend, g.Input.ToArray(), dtype, BufferCategory.ActivationGradients);
        backend.Pool2dForward(new Pool2dForwardArgs(g, tx.Storage, ty.Storage));
        backend.Pool2dBackward(new Pool2dBackwardArgs(g, tx.Storage, ty.Storage, tdy.Storage, tdx.Storage, accumulate: false));
        Assert.That(tdx.ToDoubleArray(), Is.EqualTo(expected).Within(dtype == DType.Float32 ? 1e-5 : 1e-12));
    }

    [Test]
    public void GlobalAvgPoolGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(53), [3, 5, 7, 5], "x");
        new GradientChecker(backend).AssertMatches(tape => tape.GlobalAvgPool(x), x);
    }
}
