using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>
/// The fused ops Tape.ReluConv2d (conv(relu(x), w)) and Tape.BatchNormRelu2d (relu(bn(x))): their gradients against
/// finite differences in Float64, and every output and gradient against the unfused pair of ops, bit for bit, in
/// both precisions (the fused kernels do the same arithmetic and only skip storing the intermediate tensor).
/// </summary>
[TestFixture]
public sealed class FusedReluTests
{
    private static readonly DType[] Precisions = [DType.Float32, DType.Float64];

    [TestCaseSource(typeof(ConvCase), nameof(ConvCase.All))]
    public void ReluConv2dGradientsMatchFiniteDifferences(ConvCase c)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(41);
        // Away from zero: a finite-difference step must not cross the ReLU's kink.
        using var x = Parameters.RequireGrad(TestData.Input(backend, TestData.AwayFromZero(rng, (long)c.N * c.C * c.H * c.W), [c.N, c.C, c.H, c.W], "x"));
        using var w = TestData.Parameter(backend, rng, c.WeightShape, "w");
        new GradientChecker(backend).AssertMatches(tape => c.Apply(tape, x, w, reluInput: true), x, w);
    }

    [TestCaseSource(typeof(ConvCase), nameof(ConvCase.All))]
    public void ReluConv2dEqualsReluThenConv2d(ConvCase c)
    {
        foreach (var dtype in Precisions)
        {
            var rng = new Rng(42);
            var xv = TestData.Uniform(rng, (long)c.N * c.C * c.H * c.W);
            var wv = TestData.Uniform(rng, (long)c.OutC * (c.C / c.Groups) * c.Kernel * c.KernelW);
            int[] xShape = [c.N, c.C, c.H, c.W], wShape = c.WeightShape;
            var fused = OutputAndGradients(dtype, [("x", xv, xShape), ("w", wv, wShape)],
                (tape, t, _) => c.Apply(tape, t[0], t[1], reluInput: true));
            var pair = OutputAndGradients(dtype, [("x", xv, xShape), ("w", wv, wShape)],
                (tape, t, _) => c.Apply(tape, tape.Relu(t[0]), t[1]));
            AssertIdentical(fused, pair, $"{dtype}");
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BatchNormReluGradientsMatchFiniteDifferences(bool affine)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(43);
        using var x = TestData.DifferentiableInput(backend, rng, [3, 4, 5, 7], "x");
        using var gamma = TestData.Parameter(backend, rng, [4], "gamma");
        using var beta = TestData.Parameter(backend, rng, [4], "beta");
        using var mean = Tensor.Zeros(backend, [4], DType.Float64, BufferCategory.Weights, "running_mean");
        using var variance = Tensor.Zeros(backend, [4], DType.Float64, BufferCategory.Weights, "running_var");
        backend.Fill(variance.Storage, 1);
        var checker = new GradientChecker(backend);
        if (affine) checker.AssertMatches(tape => tape.BatchNormRelu2d(x, gamma, beta, mean, variance, NormMode.Training), x, gamma, beta);
        else checker.AssertMatches(tape => tape.BatchNormRelu2d(x, null, null, mean, variance, NormMode.Training), x);
    }

    [Test]
    public void BatchNormRelu2dEqualsBatchNormThenRelu(
        [Values(true, false)] bool affine, [Values(NormMode.Training, NormMode.Evaluation)] NormMode mode)
    {
        foreach (var dtype in Precisions)
        {
            var rng = new Rng(44);
            int[] shape = [3, 4, 5, 7];
            var xv = TestData.Uniform(rng, Tensor.ShapeLength(shape), 2);
            var gv = TestData.Uniform(rng, 4);
            var bv = TestData.Uniform(rng, 4);
            (string, double[], int[])[] inputs = affine ? [("x", xv, shape), ("gamma", gv, [4]), ("beta", bv, [4])] : [("x", xv, shape)];
            // Each run gets fresh running statistics: training updates them, and both runs must end with the same.
            double[][] statistics = [[0.1, -0.2, 0.3, 0.0], [1.0, 0.5, 2.0, 1.5]];
            Result Run(Func<Tape, Tensor, Tensor?, Tensor?, Tensor, Tensor, Tensor> norm) =>
                OutputAndGradients(dtype, inputs, (tape, t, s) => norm(tape, t[0], affine ? t[1] : null, affine ? t[2] : null, s[0], s[1]), statistics);
            var fused = Run((tape, x, g, b, m, v) => tape.BatchNormRelu2d(x, g, b, m, v, mode));
            var pair = Run((tape, x, g, b, m, v) => tape.Relu(tape.BatchNorm2d(x, g, b, m, v, mode)));
            AssertIdentical(fused, pair, $"{dtype}");
        }
    }

    /// <summary>The forward output, the state tensors after the step, and the gradient of sum(y * r) for every input.</summary>
    private sealed record Result(double[] Output, double[][] State, double[][] Gradients);

    /// <param name="state">Values of tensors the function reads and may update (running statistics), not differentiated.</param>
    private static Result OutputAndGradients(DType dtype, (string Name, double[] Values, int[] Shape)[] inputs, Func<Tape, Tensor[], Tensor[], Tensor> function,
        double[][]? state = null)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var tensors = inputs.Select(i => Parameters.RequireGrad(TestData.Input(backend, i.Values, i.Shape, i.Name, dtype))).ToArray();
        var states = (state ?? []).Select((v, i) => TestData.Input(backend, v, [v.Length], $"state{i}", dtype)).ToArray();
        try
        {
            using var tape = new Tape(backend);
            var y = tape.Keep(function(tape, tensors, states));
            using var upstream = TestData.Input(backend, TestData.Uniform(new Rng(7), y.Length), [1, (int)y.Length], "r", dtype);
            using var zero = TestData.Input(backend, [0.0], [1], "zero", dtype);
            // Evaluation-mode norms record no node: there is nothing to differentiate.
            if (y.RequiresGrad) tape.Backward(tape.Linear(tape.Reshape(y, 1, (int)y.Length), upstream, zero));
            var gradients = y.RequiresGrad ? tensors.Select(t => t.Grad!.ToDoubleArray()).ToArray() : [];
            return new Result(y.ToDoubleArray(), states.Select(t => t.ToDoubleArray()).ToArray(), gradients);
        }
        finally
        {
            foreach (var t in tensors.Concat(states)) t.Dispose();
        }
    }

    private static void AssertIdentical(Result fused, Result pair, string what)
    {
        Assert.That(fused.Output, Is.EqualTo(pair.Output), $"{what}: forward output");
        for (int i = 0; i < fused.State.Length; i++)
            Assert.That(fused.State[i], Is.EqualTo(pair.State[i]), $"{what}: state {i} after the step");
        for (int i = 0; i < fused.Gradients.Length; i++)
            Assert.That(fused.Gradients[i], Is.EqualTo(pair.Gradients[i]), $"{what}: gradient of input {i}");
    }
}
