using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>The custom depthwise kernels (kernels/depthwise.cu) versus the CPU, forced on for every depthwise shape.</summary>
[TestFixture]
[Category("Device")]
public class DepthwiseKernelParityTests : DeviceTestBase
{
    protected override CudaBackendOptions Options => base.Options with { Depthwise = DepthwiseKernels.Always };

    public static IEnumerable<TestCaseData> Shapes()
    {
        var x = new Shape4(4, 16, 14, 14);
        // sep_conv_7x7 and dil_conv_7x7 (user-defined spaces) run the 7-tap kernels at both strides, dilated too.
        foreach (var (k, s, d) in new[] { (3, 1, 1), (5, 1, 1), (3, 1, 2), (5, 1, 2), (3, 2, 1), (5, 2, 2), (7, 1, 1), (7, 2, 1), (7, 1, 2), (7, 2, 2) })
        {
            int pad = d * (k - 1) / 2;
            yield return new TestCaseData(new Conv2dGeometry(x, 16, k, s, pad, d, 16)).SetName($"Depthwise_k{k}_s{s}_d{d}");
        }
        // A batch of one and an odd size: the split of images over blocks and the edges.
        yield return new TestCaseData(new Conv2dGeometry(new Shape4(1, 3, 5, 7), 3, 3, 1, 1, 1, 3)).SetName("Depthwise_tiny");
    }

    [TestCaseSource(nameof(Shapes))]
    public void ForwardAndBackwardMatchTheCpu(Conv2dGeometry g)
    {
        long xs = g.Input.Length, ws = g.WeightLength, ys = g.Output.Length;
        Parity("depthwise forward", [Rand(1, xs), Rand(2, ws, 0.3), new Buf.Output(ys)], (b, s) => b.Conv2dForward(new Conv2dForwardArgs(g, s[0], s[1], s[2])), 2);
        foreach (bool acc in new[] { false, true })
        {
            Parity($"depthwise backward data (accumulate {acc})", [Rand(3, ys), Rand(4, ws, 0.3), acc ? Rand(5, xs) : new Buf.Output(xs)],
                (b, s) => b.Conv2dBackwardData(new Conv2dBackwardDataArgs(g, s[0], s[1], s[2], acc)), 2);
            Parity($"depthwise backward filter (accumulate {acc})", [Rand(6, xs), Rand(7, ys), acc ? Rand(8, ws) : new Buf.Output(ws)],
                (b, s) => b.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(g, s[0], s[1], s[2], acc)), 2);
        }
    }
}
