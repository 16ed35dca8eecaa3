using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Convolutions that read their input through a ReLU, on the depthwise kernels (the fused path) and on cuDNN (the
/// ReLU and its gradient as separate kernels over scratch), versus the CPU.
/// </summary>
[TestFixture(DepthwiseKernels.Always)]
[TestFixture(DepthwiseKernels.Never)]
[Category("Device")]
public class ReluConvolutionParityTests(DepthwiseKernels depthwise) : DeviceTestBase
{
    protected override CudaBackendOptions Options => base.Options with { Depthwise = depthwise };

    public static IEnumerable<TestCaseData> Shapes()
    {
        var x = new Shape4(4, 16, 14, 14);
        yield return new TestCaseData(new Conv2dGeometry(x, 16, 3, 1, 1, 1, 16)).SetName("ReluDepthwise_k3");
        yield return new TestCaseData(new Conv2dGeometry(x, 16, 3, 1, 2, 2, 16)).SetName("ReluDepthwise_k3_d2");
        yield return new TestCaseData(new Conv2dGeometry(x, 16, 5, 2, 2, 1, 16)).SetName("ReluDepthwise_k5_s2");
        yield return new TestCaseData(new Conv2dGeometry(x, 24, 1, 1, 0, 1, 1)).SetName("ReluPointwise");
        yield return new TestCaseData(new Conv2dGeometry(x, 8, 1, 2, 0, 1, 1)).SetName("ReluPointwise_s2");
    }

    [TestCaseSource(nameof(Shapes))]
    public void ForwardAndBackwardMatchTheCpu(Conv2dGeometry g)
    {
        long xs = g.Input.Length, ws = g.WeightLength, ys = g.Output.Length;
        Parity("relu-conv forward", [Rand(1, xs), Rand(2, ws, 0.3), new Buf.Output(ys)],
            (b, s) => b.Conv2dForward(new Conv2dForwardArgs(g, s[0], s[1], s[2], reluInput: true)), 2);
        foreach (bool acc in new[] { false, true })
        {
            // dy, w, dx, and x (the ReLU's mask)
            Parity($"relu-conv backward data (accumulate {acc})", [Rand(3, ys), Rand(4, ws, 0.3), acc ? Rand(5, xs) : new Buf.Output(xs), Rand(9, xs)],
                (b, s) => b.Conv2dBackwardData(new Conv2dBackwardDataArgs(g, s[0], s[1], s[2], acc, reluMask: s[3])), 2);
            Parity($"relu-conv backward filter (accumulate {acc})", [Rand(6, xs), Rand(7, ys), acc ? Rand(8, ws) : new Buf.Output(ws)],
                (b, s) => b.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(g, s[0], s[1], s[2], acc, reluInput: true)), 2);
        }
    }
}

/// <summary>Batch norm fused with the ReLU after it, on cuDNN plus ReLU kernels and on kernels/normalization.cu, versus the CPU.</summary>
[TestFixture(BatchNormReluKernels.Library)]
[TestFixture(BatchNormReluKernels.Fused)]
[Category("Device")]
public class BatchNormReluParityTests(BatchNormReluKernels kernels) : DeviceTestBase
{
    protected override CudaBackendOptions Options => base.Options with { BatchNormRelu = kernels };

    [TestCase(true)]
    [TestCase(false)]
    public void TrainingAndInference(bool affine)
    {
        var x = new Shape4(8, 12, 9, 9);
        int c = x.C;
        Buf gamma = affine ? new Buf.Data(Random(16, c, 0.5).Select(v => 1 + v).ToArray()) : new Buf.Data([]);
        Buf beta = affine ? Rand(17, c, 0.5) : new Buf.Data([]);
        var runVar = new Buf.Data(Random(19, c).Select(v => 1 + Math.Abs(v)).ToArray());
        // x, gamma, beta, runMean, runVar, y, saveMean, saveInvStd
        Parity("batch norm + relu training", [Rand(18, x.Length, 2), gamma, beta, Rand(20, c), runVar, new Buf.Output(x.Length), new Buf.Output(c), new Buf.Output(c)],
            (b, s) => b.BatchNormTraining(new BatchNormTrainingArgs(x, s[0], affine ? s[1] : null, affine ? s[2] : null, s[3], s[4], 0.1, 1e-5, s[5], s[6], s[7], relu: true)),
            3, 4, 5, 6, 7);
        Parity("batch norm + relu inference", [Rand(21, x.Length, 2), gamma, beta, Rand(22, c), runVar, new Buf.Output(x.Length)],
            (b, s) => b.BatchNormInference(new BatchNormInferenceArgs(x, s[0], affine ? s[1] : null, affine ? s[2] : null, s[3], s[4], 1e-5, s[5], relu: true)), 5);
    }

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(false, true)]
    public void Backward(bool affine, bool accumulate)
    {
        var x = new Shape4(8, 12, 9, 9);
        int c = x.C;
        Buf gamma = affine ? new Buf.Data(Random(23, c, 0.5).Select(v => 1 + v).ToArray()) : new Buf.Data([]);
        // x, dy, gamma, dx, dgamma, dbeta, and the forward's y (the ReLU output), runMean, runVar, saveMean, saveInvStd
        Parity("batch norm + relu backward",
            [Rand(24, x.Length, 2), Rand(25, x.Length), gamma, accumulate ? Rand(26, x.Length) : new Buf.Output(x.Length), Rand(27, c), Rand(28, c),
             new Buf.Output(x.Length), new Buf.Data(new float[c]), new Buf.Data(Enumerable.Repeat(1f, c).ToArray()), new Buf.Output(c), new Buf.Output(c)],
            (b, s) =>
            {
                b.BatchNormTraining(new BatchNormTrainingArgs(x, s[0], affine ? s[2] : null, affine ? s[2] : null, s[7], s[8], 0.1, 1e-5, s[6], s[9], s[10], relu: true));
                b.BatchNormBackward(new BatchNormBackwardArgs(x, s[0], s[1], affine ? s[2] : null, s[9], s[10], s[3], affine ? s[4] : null, affine ? s[5] : null,
                    accumulate, reluOutput: s[6]));
            }, affine ? new[] { 3, 4, 5 } : new[] { 3 });
    }
}
