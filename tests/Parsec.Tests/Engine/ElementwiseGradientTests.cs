using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class ElementwiseGradientTests
{
    [Test]
    public void ReluGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(31);
        using var x = Parameters.RequireGrad(TestData.Input(backend, TestData.AwayFromZero(rng, 3 * 3 * 7 * 5), [3, 3, 7, 5], "x"));
        new GradientChecker(backend).AssertMatches(tape => tape.Relu(x), x);
    }

    [Test]
    public void AddGradientsMatchIncludingBothOperandsTheSameTensor()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(32);
        using var a = TestData.DifferentiableInput(backend, rng, [3, 5, 3, 7], "a");
        using var b = TestData.DifferentiableInput(backend, rng, [3, 5, 3, 7], "b");
        var checker = new GradientChecker(backend);
        checker.AssertMatches(tape => tape.Add(a, b), a, b);
        checker.AssertMatches(tape => tape.Add(a, a), a);
    }

    [Test]
    public void ScaleGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(33), [5, 7], "x");
        new GradientChecker(backend).AssertMatches(tape => tape.Scale(x, -1.75), x);
    }

    [Test]
    public void ReshapeGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(34), [3, 5, 7, 1], "x");
        new GradientChecker(backend).AssertMatches(tape => tape.Scale(tape.Reshape(x, 15, 7), 2), x);
    }

    [Test]
    public void ScaleRowsGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(35), [3, 5, 3, 3], "x");
        new GradientChecker(backend).AssertMatches(tape => tape.ScaleRows(x, [2.0, -0.5, 1.25]), x);
    }

    [Test]
    public void DropPathGradientMatchesAndZeroesDroppedExamples()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(36), [5, 3, 3, 3], "x");
        // The same seed each evaluation gives the same mask, so finite differences see one fixed function.
        new GradientChecker(backend).AssertMatches(tape => tape.DropPath(x, 0.4, new Rng(99)), x);

        using var tape = new Tape(backend);
        var y = tape.DropPath(x, 0.4, new Rng(99)).ToDoubleArray();
        var xv = x.ToDoubleArray();
        int kept = 0;
        for (int n = 0; n < 5; n++)
        {
            double factor = y[n * 27] / xv[n * 27];
            Assert.That(factor, Is.EqualTo(0).Or.EqualTo(1 / 0.6).Within(1e-12), $"example {n}");
            if (factor != 0) kept++;
            for (int i = 1; i < 27; i++)
                Assert.That(y[n * 27 + i], Is.EqualTo(factor * xv[n * 27 + i]).Within(1e-12));
        }
        Assert.That(kept, Is.InRange(1, 4), "with p = 0.4 over 5 examples this seed keeps some and drops some");
    }

    [Test]
    public void IdentityAndZeroRecordNothing()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(37), [2, 3, 5, 7], "x");
        using var tape = new Tape(backend);
        Assert.That(tape.Identity(x), Is.SameAs(x));
        var zero = tape.Zero(x, stride: 2);
        Assert.That(zero.Shape, Is.EqualTo(new[] { 2, 3, 3, 4 }));
        Assert.That(zero.ToDoubleArray(), Is.All.EqualTo(0));
        Assert.That(zero.RequiresGrad, Is.False);
        Assert.That(tape.Nodes, Is.Empty);
    }
}
