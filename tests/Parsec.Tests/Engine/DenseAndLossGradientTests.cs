using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class DenseAndLossGradientTests
{
    [Test]
    public void LinearGradientsMatch()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(61);
        using var x = TestData.DifferentiableInput(backend, rng, [3, 7], "x");
        using var w = TestData.Parameter(backend, rng, [5, 7], "w");
        using var b = TestData.Parameter(backend, rng, [5], "b");
        new GradientChecker(backend).AssertMatches(tape => tape.Linear(x, w, b), x, w, b);
    }

    [Test]
    public void CrossEntropyGradientMatches()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var logits = TestData.DifferentiableInput(backend, new Rng(62), [5, 3], "logits");
        using var labels = Tensor.FromLabels(backend, [2, 0, 1, 1, 2]);
        new GradientChecker(backend).AssertMatches(tape => tape.Scale(tape.SoftmaxCrossEntropy(logits, labels).Loss, 3), logits);
    }

    [Test]
    public void CrossEntropyLossAndLogLikelihoodsMatchTheDefinition()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        double[] logits = [1, 2, 3, -1, 0.5, 0];
        using var x = TestData.Input(backend, logits, [2, 3], "logits");
        using var labels = Tensor.FromLabels(backend, [2, 1]);
        using var tape = new Tape(backend);
        var result = tape.SoftmaxCrossEntropy(x, labels);
        double ll0 = 3 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3));
        double ll1 = 0.5 - Math.Log(Math.Exp(-1) + Math.Exp(0.5) + Math.Exp(0));
        Assert.That(result.LogLikelihoods, Is.EqualTo(new[] { ll0, ll1 }).Within(1e-14));
        Assert.That(result.LogLikelihoodSum, Is.EqualTo(ll0 + ll1).Within(1e-14));
        Assert.That(result.Loss.Item(), Is.EqualTo(-(ll0 + ll1) / 2).Within(1e-14));
    }

    [Test]
    public void CrossEntropyIsStableForHugeLogits([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = Tensor.FromArray(backend, new double[] { 1000, 0, -1000, 5000, 5000, 4990 }, [2, 3], dtype);
        using var labels = Tensor.FromLabels(backend, [1, 2]);
        using var tape = new Tape(backend);
        var result = tape.SoftmaxCrossEntropy(x, labels);
        Assert.That(result.LogLikelihoods[0], Is.EqualTo(-1000).Within(1e-3));
        Assert.That(result.LogLikelihoods[1], Is.EqualTo(-10 - Math.Log(2 + Math.Exp(-10))).Within(1e-3));
    }

    [Test]
    public void CrossEntropyRejectsAnOutOfRangeLabelNamingRowAndLabel()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.Input(backend, new double[6], [2, 3], "logits");
        using var labels = Tensor.FromLabels(backend, [0, 3]);
        using var tape = new Tape(backend);
        var error = Assert.Throws<ArgumentException>(() => tape.SoftmaxCrossEntropy(x, labels));
        Assert.That(error!.Message, Does.Contain("row 1").And.Contain("label 3"));
        using var negative = Tensor.FromLabels(backend, [-1, 0]);
        error = Assert.Throws<ArgumentException>(() => tape.SoftmaxCrossEntropy(x, negative));
        Assert.That(error!.Message, Does.Contain("row 0").And.Contain("label -1"));
    }
}
