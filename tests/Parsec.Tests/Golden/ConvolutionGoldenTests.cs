using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>
/// Tape.Conv2d against PyTorch's F.conv2d: every geometry the DARTS space uses, plus a non-depthwise grouped one; and
/// Tape.ReluConv2d against F.conv2d(F.relu(x)) for the geometries that follow a ReLU in ReLU-Conv-BN.
/// </summary>
[TestFixture]
public sealed class ConvolutionGoldenTests
{
    [Test]
    public void Conv2dMatchesPyTorch(
        [Values("conv2d_3x3_pad1", "conv2d_3x3_stride2", "conv2d_3x3_dilation2", "conv2d_5x5_depthwise",
            "conv2d_3x3_depthwise_stride2_dilation2", "conv2d_1x1", "conv2d_1x1_stride2", "conv2d_3x3_groups3")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        var y = run.Tape.Conv2d(run.Input("x"), run.Param("w"), c.Int("stride"), c.Int("padding"), c.Int("dilation"), c.Int("groups"));
        run.ExpectOutputAndGradients(y);
    }

    /// <summary>Rectangular windows, NASNet's conv_7x1_1x7 halves: a kernel, stride and padding per side.</summary>
    [Test]
    public void RectangularConv2dMatchesPyTorch(
        [Values("conv2d_1x7_stride1x2", "conv2d_7x1_stride2x1", "relu_conv2d_1x7")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        (int, int) stride = (c.Int("stride_h"), c.Int("stride_w")), padding = (c.Int("padding_h"), c.Int("padding_w"));
        var y = c.Op == "relu_conv2d"
            ? run.Tape.ReluConv2d(run.Input("x"), run.Param("w"), stride, padding, c.Int("dilation"), c.Int("groups"))
            : run.Tape.Conv2d(run.Input("x"), run.Param("w"), stride, padding, c.Int("dilation"), c.Int("groups"));
        run.ExpectOutputAndGradients(y);
    }

    [Test]
    public void ReluConv2dMatchesPyTorch(
        [Values("relu_conv2d_1x1", "relu_conv2d_1x1_stride2", "relu_conv2d_3x3_depthwise", "relu_conv2d_3x3_depthwise_dilation2",
            "relu_conv2d_3x3_depthwise_stride2")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        var y = run.Tape.ReluConv2d(run.Input("x"), run.Param("w"), c.Int("stride"), c.Int("padding"), c.Int("dilation"), c.Int("groups"));
        run.ExpectOutputAndGradients(y);
    }
}
