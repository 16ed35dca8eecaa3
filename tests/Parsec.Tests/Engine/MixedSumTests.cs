using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>DARTS' mixed op and the dot product its weight gradient is made of.</summary>
[TestFixture]
public sealed class MixedSumTests
{
    private static readonly double[] Weights = [0.5, -0.25, 1.5];

    [Test]
    public void CandidateGradientsMatchFiniteDifferences()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(41);
        using var a = TestData.DifferentiableInput(backend, rng, [3, 2, 5, 4], "a");
        using var b = TestData.DifferentiableInput(backend, rng, [3, 2, 5, 4], "b");
        using var c = TestData.DifferentiableInput(backend, rng, [3, 2, 5, 4], "c");
        new GradientChecker(backend).AssertMatches(tape => tape.MixedSum([a, b, c], Weights, new double[3]), a, b, c);
    }

    /// <summary>dL/dw[c] for L = sum(y * r) against (L(w + h e_c) - L(w - h e_c)) / 2h, and accumulated over two backward passes.</summary>
    [Test]
    public void TheWeightGradientMatchesFiniteDifferencesAndAccumulates()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(42);
        var candidates = Enumerable.Range(0, 3).Select(i => TestData.DifferentiableInput(backend, rng, [2, 3, 4, 5], $"x{i}")).ToArray();
        var r = TestData.Uniform(new Rng(43), 2 * 3 * 4 * 5);
        double Loss(double[] w)
        {
            using var tape = new Tape(backend);
            using var noGrad = tape.NoGrad();
            var y = tape.MixedSum(candidates, w).ToDoubleArray();
            return y.Select((v, i) => v * r[i]).Sum();
        }

        var gradient = new double[3];
        using (var tape = new Tape(backend))
        using (var projection = TestData.Input(backend, r, [1, r.Length], "r"))
        using (var zero = Tensor.Zeros(backend, [1], DType.Float64, BufferCategory.Inputs, "zero"))
        {
            var y = tape.MixedSum(candidates, Weights, gradient);
            tape.Backward(tape.Linear(tape.Reshape(y, 1, r.Length), projection, zero));
        }
        const double h = 1e-6;
        for (int c = 0; c < 3; c++)
        {
            var up = (double[])Weights.Clone();
            var down = (double[])Weights.Clone();
            up[c] += h;
            down[c] -= h;
            double numeric = (Loss(up) - Loss(down)) / (2 * h);
            Assert.That(gradient[c], Is.EqualTo(numeric).Within(1e-6 * Math.Max(1, Math.Abs(numeric))), $"weight {c}");
            Assert.That(Math.Abs(gradient[c]), Is.GreaterThan(1e-3), "a vacuous check");
        }
        foreach (var x in candidates) x.Dispose();
    }

    [Test]
    public void DotAddsProductsInDoubleForBothPrecisions()
    {
        using var backend = new CpuBackend();
        var rng = new Rng(44);
        var a = TestData.Uniform(rng, 5000);
        var b = TestData.Uniform(rng, 5000);
        double expected = a.Select((v, i) => v * b[i]).Sum();
        using var a64 = Tensor.FromArray(backend, a, [5000]);
        using var b64 = Tensor.FromArray(backend, b, [5000]);
        Assert.That(backend.Dot(new DotArgs(a64.Storage, b64.Storage)), Is.EqualTo(expected).Within(1e-12 * Math.Abs(expected) + 1e-12));
        using var a32 = Tensor.FromArray(backend, Array.ConvertAll(a, v => (float)v), [5000]);
        using var b32 = Tensor.FromArray(backend, Array.ConvertAll(b, v => (float)v), [5000]);
        double expected32 = a.Select((v, i) => (double)(float)v * (float)b[i]).Sum();
        Assert.That(backend.Dot(new DotArgs(a32.Storage, b32.Storage)), Is.EqualTo(expected32).Within(1e-5 * Math.Abs(expected32) + 1e-5));
        using var shorter = Tensor.FromArray(backend, new double[3], [3]);
        Assert.That(() => backend.Dot(new DotArgs(a64.Storage, shorter.Storage)), Throws.ArgumentException.With.Message.StartsWith("Dot:"));
        Assert.That(() => backend.Dot(new DotArgs(a64.Storage, b32.Storage)), Throws.ArgumentException.With.Message.StartsWith("Dot:"));
    }
}
