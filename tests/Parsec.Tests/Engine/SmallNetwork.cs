using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>
/// A miniature DARTS-like network that touches every op: stem conv, BN, a separable conv (depthwise +
/// pointwise), a dilated depthwise conv, pools, a factorized reduction (two stride-2 1x1 convs on shifted
/// inputs, concatenated), drop path, global pooling, a linear classifier and cross-entropy.
/// </summary>
internal static class SmallNetwork
{
    public sealed record StepResult(double Loss, Dictionary<string, double[]> Gradients);

    public static StepResult RunStep(DType dtype)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(81);
        var parameters = new List<Tensor>();
        Tensor Param(string name, int[] shape, double scale)
        {
            var p = Parameters.Create(backend, name, shape, dtype);
            Initializers.Uniform(p, -scale, scale, rng);
            parameters.Add(p);
            return p;
        }
        var stem = Param("stem", [6, 3, 3, 3], 0.5);
        var gamma = Param("gamma", [6], 1);
        var beta = Param("beta", [6], 1);
        var depthwise = Param("dw", [6, 1, 3, 3], 0.5);
        var pointwise = Param("pw", [6, 6, 1, 1], 0.5);
        var dilated = Param("dil", [6, 1, 5, 5], 0.3);
        var reduceA = Param("reduce_a", [3, 6, 1, 1], 0.5);
        var reduceB = Param("reduce_b", [3, 6, 1, 1], 0.5);
        var classifier = Param("fc", [4, 6], 0.5);
        var bias = Param("fc_bias", [4], 0.1);
        var runMean = Tensor.Zeros(backend, [6], dtype, BufferCategory.Weights);
        var runVar = Tensor.Zeros(backend, [6], dtype, BufferCategory.Weights);
        backend.Fill(runVar.Storage, 1);
        using var x = Tensor.FromArray(backend, TestData.Uniform(rng, 4 * 3 * 9 * 7), [4, 3, 9, 7], dtype);
        using var labels = Tensor.FromLabels(backend, [0, 3, 1, 2]);
        using var tape = new Tape(backend);

        var s = tape.BatchNorm2d(tape.Conv2d(x, stem, padding: 1), gamma, beta, runMean, runVar, NormMode.Training);
        var sep = tape.Conv2d(tape.Conv2d(tape.Relu(s), depthwise, padding: 1, groups: 6), pointwise);
        var dil = tape.Conv2d(tape.Relu(s), dilated, padding: 4, dilation: 2, groups: 6);
        var pools = tape.Add(tape.MaxPool3x3(s, 1), tape.AvgPool3x3(s, 1));
        var node = tape.Add(tape.Add(sep, tape.DropPath(dil, 0.25, new Rng(5))), tape.Scale(pools, 0.5));
        var relu = tape.Relu(node);
        var reduced = tape.ConcatChannels(
            tape.Conv2d(tape.SliceSpatial(relu, 0, 0, 8, 6), reduceA, stride: 2),
            tape.Conv2d(tape.SliceSpatial(relu, 1, 1, 8, 6), reduceB, stride: 2));
        var logits = tape.Linear(tape.GlobalAvgPool(tape.Pool2d(reduced, PoolKind.Max, 3, 2, 1)), classifier, bias);
        var result = tape.SoftmaxCrossEntropy(logits, labels);
        double loss = result.Loss.Item(); // read before backward, which frees unconsumed outputs unless kept
        tape.Backward(result.Loss);
        var gradients = parameters.ToDictionary(p => p.Name!, p => p.Grad!.ToDoubleArray());
        tape.Reset();
        foreach (var p in parameters)
        {
            p.Grad!.Dispose();
            p.Dispose();
        }
        runMean.Dispose();
        runVar.Dispose();
        return new StepResult(loss, gradients);
    }
}
