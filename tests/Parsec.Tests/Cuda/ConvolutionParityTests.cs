using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>CUDA (cuDNN only) versus CPU for convolutions, pooling and batch norm, forward and backward.</summary>
[TestFixture]
[Category("Device")]
public class ConvolutionParityTests : DeviceTestBase
{
    protected override CudaBackendOptions Options => base.Options with { Depthwise = DepthwiseKernels.Never };

    // The DARTS space's convolutions: 3x3 and 5x5 separable parts (depthwise + 1x1), dilated 3x3 and 5x5,
    // the factorized reduction's strided 1x1, a plain dense 3x3, a strided depthwise 3x3 and conv_7x1_1x7's two halves.
    public static IEnumerable<TestCaseData> Geometries()
    {
        var x = new Shape4(4, 16, 14, 14);
        yield return Case(new Conv2dGeometry(x, 24, 3, 1, 1, 1, 1), "dense3x3");
        yield return Case(new Conv2dGeometry(x, 16, 3, 1, 1, 1, 16), "depthwise3x3");
        yield return Case(new Conv2dGeometry(x, 16, 5, 1, 2, 1, 16), "depthwise5x5");
        yield return Case(new Conv2dGeometry(x, 16, 3, 1, 2, 2, 16), "dilated3x3");
        yield return Case(new Conv2dGeometry(x, 16, 5, 1, 4, 2, 16), "dilated5x5");
        yield return Case(new Conv2dGeometry(x, 32, 1, 1, 0, 1, 1), "pointwise");
        yield return Case(new Conv2dGeometry(x, 8, 1, 2, 0, 1, 1), "strided1x1");
        yield return Case(new Conv2dGeometry(x, 16, 3, 2, 1, 1, 16), "depthwise3x3stride2");
        // conv_7x1_1x7 at stride 2: the 1x7 with stride (1, 2), then the 7x1 with stride (2, 1) on its output.
        yield return Case(new Conv2dGeometry(x, 16, 1, 7, 1, 2, 0, 3, 1, 1), "rectangular1x7stride1x2");
        yield return Case(new Conv2dGeometry(new Shape4(4, 16, 14, 7), 16, 7, 1, 2, 1, 3, 0, 1, 1), "rectangular7x1stride2x1");
    }

    public static IEnumerable<TestCaseData> DepthwiseGeometries() =>
        Geometries().Where(c => DepthwiseGeometry.Applies((Conv2dGeometry)c.Arguments[0]!));

    private static TestCaseData Case(Conv2dGeometry g, string name) => new TestCaseData(g).SetName($"Conv_{name}");

    [TestCaseSource(nameof(Geometries))]
    public void ConvolutionForwardAndBackward(Conv2dGeometry g) => CheckConvolution(g);

    protected void CheckConvolution(Conv2dGeometry g)
    {
        long xs = g.Input.Length, ws = g.WeightLength, ys = g.Output.Length;
        Parity("conv forward", [Rand(1, xs), Rand(2, ws, 0.3), new Buf.Output(ys)], (b, s) => b.Conv2dForward(new Conv2dForwardArgs(g, s[0], s[1], s[2])), 2);
        foreach (bool acc in new[] { false, true })
        {
            Parity($"conv backward data (accumulate {acc})", [Rand(3, ys), Rand(4, ws, 0.3), acc ? Rand(5, xs) : new Buf.Output(xs)],
                (b, s) => b.Conv2dBackwardData(new Conv2dBackwardDataArgs(g, s[0], s[1], s[2], acc)), 2);
            Parity($"conv backward filter (accumulate {acc})", [Rand(6, xs), Rand(7, ys), acc ? Rand(8, ws) : new Buf.Output(ws)],
                (b, s) => b.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(g, s[0], s[1], s[2], acc)), 2);
        }
    }

    [TestCase(PoolKind.Max, 1)]
    [TestCase(PoolKind.Max, 2)]
    [TestCase(PoolKind.AverageExcludePadding, 1)]
    [TestCase(PoolKind.AverageExcludePadding, 2)]
    public void Pooling3x3(PoolKind kind, int stride)
    {
        var g = new Pool2dGeometry(new Shape4(4, 8, 15, 15), kind, 3, stride, 1);
        long xs = g.Input.Length, ys = g.Output.Length;
        Parity("pool forward", [Rand(9, xs), new Buf.Output(ys)], (b, s) => b.Pool2dForward(new Pool2dForwardArgs(g, s[0], s[1])), 1);
        var x = Random(10, xs);
        foreach (bool acc in new[] { false, true })
        {
            // y must be the forward output of x (max pooling routes gradients by comparing them).
            Parity($"pool backward (accumulate {acc})", [new Buf.Data(x), new Buf.Output(ys), Rand(11, ys), acc ? Rand(12, xs) : new Buf.Output(xs)], (b, s) =>
            {
                b.Pool2dForward(new Pool2dForwardArgs(g, s[0], s[1]));
                b.Pool2dBackward(new Pool2dBackwardArgs(g, s[0], s[1], s[2], s[3], acc));
            }, 3);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GlobalAveragePool(bool accumulate)
    {
        var x = new Shape4(8, 20, 7, 7);
        Parity("global avg pool", [Rand(13, x.Length), new Buf.Output(x.N * x.C)], (b, s) => b.GlobalAvgPool(new GlobalAvgPoolArgs(x, s[0], s[1])), 1);
        Parity("global avg pool backward", [Rand(14, x.N * x.C), accumulate ? Rand(15, x.Length) : new Buf.Output(x.Length)],
            (b, s) => b.GlobalAvgPoolBackward(new GlobalAvgPoolBackwardArgs(x, s[0], s[1], accumulate)), 1);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void BatchNormTrainingAndInference(bool affine)
    {
        var x = new Shape4(8, 12, 9, 9);
        int c = x.C;
        Buf gamma = affine ? new Buf.Data(Random(16, c, 0.5).Select(v => 1 + v).ToArray()) : new Buf.Data([]);
        Buf beta = affine ? Rand(17, c, 0.5) : new Buf.Data([]);
        var runVar = new Buf.Data(Random(19, c).Select(v => 1 + Math.Abs(v)).ToArray());
        // x, gamma, beta, runMean, runVar, y, saveMean, saveInvStd
        Parity("batch norm training", [Rand(18, x.Length, 2), gamma, beta, Rand(20, c), runVar, new Buf.Output(x.Length), new Buf.Output(c), new Buf.Output(c)],
            (b, s) => b.BatchNormTraining(new BatchNormTrainingArgs(x, s[0], affine ? s[1] : null, affine ? s[2] : null, s[3], s[4], 0.1, 1e-5, s[5], s[6], s[7])),
            3, 4, 5, 6, 7);
        Parity("batch norm inference", [Rand(21, x.Length, 2), gamma, beta, Rand(22, c), runVar, new Buf.Output(x.Length)],
            (b, s) => b.BatchNormInference(new BatchNormInferenceArgs(x, s[0], affine ? s[1] : null, affine ? s[2] : null, s[3], s[4], 1e-5, s[5])), 5);
    }

    [TestCase(true, false)]
    [TestCase(true, true)]
    [TestCase(false, false)]
    [TestCase(false, true)]
    public void BatchNormBackward(bool affine, bool accumulate)
    {
        var x = new Shape4(8, 12, 9, 9);
        int c = x.C;
        Buf gamma = affine ? new Buf.Data(Random(23, c, 0.5).Select(v => 1 + v).ToArray()) : new Buf.Data([]);
        // x, dy, gamma, dx, dgamma, dbeta, and scratch for the forward statistics (y, runMean, runVar, saveMean, saveInvStd)
        Parity("batch norm backward",
            [Rand(24, x.Length, 2), Rand(25, x.Length), gamma, accumulate ? Rand(26, x.Length) : new Buf.Output(x.Length), Rand(27, c), Rand(28, c),
             new Buf.Output(x.Length), new Buf.Data(new float[c]), new Buf.Data(Enumerable.Repeat(1f, c).ToArray()), new Buf.Output(c), new Buf.Output(c)],
            (b, s) =>
            {
                b.BatchNormTraining(new BatchNormTrainingArgs(x, s[0], affine ? s[2] : null, affine ? s[2] : null, s[7], s[8], 0.1, 1e-5, s[6], s[9], s[10]));
                b.BatchNormBackward(new BatchNormBackwardArgs(x, s[0], s[1], affine ? s[2] : null, s[9], s[10], s[3], affine ? s[4] : null, affine ? s[5] : null, accumulate));
            }, affine ? new[] { 3, 4, 5 } : new[] { 3 });
    }
}
