using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class NormalizationGradientTests
{
    private static (Tensor Mean, Tensor Var) RunningStatistics(IBackend backend, int channels)
    {
        var mean = Tensor.Zeros(backend, [channels], DType.Float64, BufferCategory.Weights, "running_mean");
        var variance = Tensor.Zeros(backend, [channels], DType.Float64, BufferCategory.Weights, "running_var");
        backend.Fill(variance.Storage, 1);
        return (mean, variance);
    }

    [Test]
    public void BatchNormTrainingWithAffineGradientsMatch()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(21);
        using var x = TestData.DifferentiableInput(backend, rng, [3, 5, 7, 5], "x");
        using var gamma = TestData.Parameter(backend, rng, [5], "gamma");
        using var beta = TestData.Parameter(backend, rng, [5], "beta");
        var (mean, variance) = RunningStatistics(backend, 5);
        using (mean)
        using (variance)
            new GradientChecker(backend).AssertMatches(tape => tape.BatchNorm2d(x, gamma, beta, mean, variance, NormMode.Training), x, gamma, beta);
    }

    [Test]
    public void BatchNormTrainingWithoutAffineGradientsMatch()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(22);
        using var x = TestData.DifferentiableInput(backend, rng, [3, 3, 5, 7], "x");
        var (mean, variance) = RunningStatistics(backend, 3);
        using (mean)
        using (variance)
            new GradientChecker(backend).AssertMatches(tape => tape.BatchNorm2d(x, null, null, mean, variance, NormMode.Training), x);
    }

    [Test]
    public void BatchNormAffineGradientsWhenOnlyGammaAndBetaAreDifferentiable()
    {
        // x needs no gradient here, so backward computes dgamma and dbeta alone. gamma and beta are plain
        // inputs marked differentiable (no persistent gradient buffer), so their gradients start in fresh buffers.
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(23);
        using var x = TestData.Input(backend, TestData.Uniform(rng, 3 * 3 * 5 * 5), [3, 3, 5, 5], "x");
        using var gamma = TestData.DifferentiableInput(backend, rng, [3], "gamma");
        using var beta = TestData.DifferentiableInput(backend, rng, [3], "beta");
        var (mean, variance) = RunningStatistics(backend, 3);
        using (mean)
        using (variance)
            new GradientChecker(backend).AssertMatches(tape => tape.BatchNorm2d(x, gamma, beta, mean, variance, NormMode.Training), gamma, beta);
    }

    [Test]
    public void BatchNormBetaGradientWhenGammaIsFixed()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(24);
        using var x = TestData.Input(backend, TestData.Uniform(rng, 2 * 3 * 5 * 3), [2, 3, 5, 3], "x");
        using var gamma = TestData.Input(backend, TestData.Uniform(rng, 3), [3], "gamma");
        using var beta = TestData.DifferentiableInput(backend, rng, [3], "beta");
        var (mean, variance) = RunningStatistics(backend, 3);
        using (mean)
        using (variance)
            new GradientChecker(backend).AssertMatches(tape => tape.BatchNorm2d(x, gamma, beta, mean, variance, NormMode.Training), beta);
    }

    [Test]
    public void BatchNormTrainingNormalisesAndUpdatesRunningStatisticsLikePyTorch()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        // One channel, values 1, 2, 3, 6 over (N=2, H=1, W=2): mean 3, biased var 3.5, unbiased var 14/3.
        using var x = TestData.Input(backend, [1, 2, 3, 6], [2, 1, 1, 2], "x");
        var (mean, variance) = RunningStatistics(backend, 1);
        using var tape = new Tape(backend);
        var y = tape.BatchNorm2d(x, null, null, mean, variance, NormMode.Training, momentum: 0.1, epsilon: 1e-5);
        double invStd = 1 / Math.Sqrt(3.5 + 1e-5);
        Assert.That(y.ToDoubleArray(), Is.EqualTo(new[] { -2 * invStd, -invStd, 0, 3 * invStd }).Within(1e-12));
        Assert.That(mean.ToDoubleArray()[0], Is.EqualTo(0.9 * 0 + 0.1 * 3).Within(1e-15));
        Assert.That(variance.ToDoubleArray()[0], Is.EqualTo(0.9 * 1 + 0.1 * 14.0 / 3).Within(1e-15));
        mean.Dispose();
        variance.Dispose();
    }

    [Test]
    public void BatchNormEvaluationUsesRunningStatistics()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        // Two channels over (N=1, H=1, W=2); channel 0 has running mean 1, var 4, gamma 2, beta 0.5;
        // channel 1 has running mean -1, var 0.25, gamma -1, beta 3.
        using var x = TestData.Input(backend, [3, 5, 0, -2], [1, 2, 1, 2], "x");
        using var mean = TestData.Input(backend, [1, -1], [2], "running_mean");
        using var variance = TestData.Input(backend, [4, 0.25], [2], "running_var");
        using var gamma = TestData.Input(backend, [2, -1], [2], "gamma");
        using var beta = TestData.Input(backend, [0.5, 3], [2], "beta");
        using var tape = new Tape(backend);
        var y = tape.BatchNorm2d(x, gamma, beta, mean, variance, NormMode.Evaluation, epsilon: 1e-3);
        double s0 = 2 / Math.Sqrt(4 + 1e-3), s1 = -1 / Math.Sqrt(0.25 + 1e-3);
        double[] expected = [(3 - 1) * s0 + 0.5, (5 - 1) * s0 + 0.5, (0 + 1) * s1 + 3, (-2 + 1) * s1 + 3];
        Assert.That(y.ToDoubleArray(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(mean.ToDoubleArray(), Is.EqualTo(new double[] { 1, -1 }), "evaluation must not touch running statistics");
        Assert.That(tape.Nodes, Is.Empty);
    }
}
