using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class LayoutGradientTests
{
    [Test]
    public void ConcatChannelsGradientsMatch()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(41);
        using var a = TestData.DifferentiableInput(backend, rng, [3, 2, 5, 3], "a");
        using var b = TestData.DifferentiableInput(backend, rng, [3, 3, 5, 3], "b");
        using var c = TestData.DifferentiableInput(backend, rng, [3, 1, 5, 3], "c");
        // a appears twice: its two slices of the gradient must add up.
        new GradientChecker(backend).AssertMatches(tape => tape.ConcatChannels(a, b, c, a), a, b, c);
    }

    [Test]
    public void ConcatChannelsPlacesChannelsInOrder()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var a = TestData.Input(backend, [1, 2, 3, 4], [2, 1, 1, 2], "a");
        using var b = TestData.Input(backend, [5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 1, 2], "b");
        using var tape = new Tape(backend);
        var y = tape.ConcatChannels(a, b);
        Assert.That(y.Shape, Is.EqualTo(new[] { 2, 3, 1, 2 }));
        Assert.That(y.ToDoubleArray(), Is.EqualTo(new double[] { 1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12 }));
    }

    [Test]
    public void SliceSpatialGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(42), [3, 3, 7, 5], "x");
        var checker = new GradientChecker(backend);
        checker.AssertMatches(tape => tape.SliceSpatial(x, 1, 1, 6, 4), x);
        checker.AssertMatches(tape => tape.SliceSpatial(x, 2, 0, 3, 5), x);
    }

    [Test]
    public void SliceSpatialReadsTheWindow()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var values = Enumerable.Range(0, 12).Select(v => (double)v).ToArray();
        using var x = TestData.Input(backend, values, [1, 1, 3, 4], "x");
        using var tape = new Tape(backend);
        Assert.That(tape.SliceSpatial(x, 1, 1, 2, 2).ToDoubleArray(), Is.EqualTo(new double[] { 5, 6, 9, 10 }));
    }
}
