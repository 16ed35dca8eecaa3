using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>
/// One convolution configuration: input (N, C, H, W), output channels, kernel, stride, padding, dilation, groups; the
/// width's kernel, stride and padding when they differ from the height's (a rectangular window).
/// </summary>
public sealed record ConvCase(string Name, int N, int C, int H, int W, int OutC, int Kernel, int Stride, int Padding, int Dilation, int Groups,
    int? KernelWidth = null, int? StrideWidth = null, int? PaddingWidth = null)
{
    public int KernelW => KernelWidth ?? Kernel;
    public int StrideW => StrideWidth ?? Stride;
    public int PaddingW => PaddingWidth ?? Padding;
    public int[] WeightShape => [OutC, C / Groups, Kernel, KernelW];

    /// <summary>Tape.Conv2d, or with <paramref name="reluInput"/> Tape.ReluConv2d, with this case's window (the per-side overload when it is rectangular).</summary>
    public Tensor Apply(Tape tape, Tensor x, Tensor w, bool reluInput = false) => (KernelWidth ?? StrideWidth ?? PaddingWidth, reluInput) switch
    {
        (null, false) => tape.Conv2d(x, w, Stride, Padding, Dilation, Groups),
        (null, true) => tape.ReluConv2d(x, w, Stride, Padding, Dilation, Groups),
        (_, false) => tape.Conv2d(x, w, (Stride, StrideW), (Padding, PaddingW), Dilation, Groups),
        (_, true) => tape.ReluConv2d(x, w, (Stride, StrideW), (Padding, PaddingW), Dilation, Groups),
    };

    public override string ToString() => Name;

    public static IEnumerable<ConvCase> All() =>
    [
        new("3x3 stride 1 pad 1", 3, 3, 7, 5, 5, 3, 1, 1, 1, 1),
        new("3x3 stride 2 pad 1", 3, 3, 7, 5, 4, 3, 2, 1, 1, 1),
        new("3x3 no padding stride 2", 2, 3, 7, 6, 2, 3, 2, 0, 1, 1),
        new("3x3 dilation 2 pad 2", 2, 3, 7, 5, 3, 3, 1, 2, 2, 1),
        new("5x5 pad 2", 2, 3, 7, 5, 3, 5, 1, 2, 1, 1),
        new("grouped 3x3 (2 groups)", 3, 4, 5, 7, 6, 3, 1, 1, 1, 2),
        new("1x1 pointwise", 3, 5, 7, 5, 3, 1, 1, 0, 1, 1),
        new("1x1 stride 2", 3, 5, 7, 5, 4, 1, 2, 0, 1, 1),
        new("depthwise 3x3", 3, 5, 7, 5, 5, 3, 1, 1, 1, 5),
        new("depthwise 3x3 stride 2", 3, 5, 7, 5, 5, 3, 2, 1, 1, 5),
        new("depthwise 5x5 pad 2", 2, 3, 7, 5, 3, 5, 1, 2, 1, 3),
        new("depthwise 3x3 dilation 2", 3, 5, 7, 5, 5, 3, 1, 2, 2, 5),
        new("depthwise 5x5 dilation 2 stride 2", 2, 3, 9, 7, 3, 5, 2, 4, 2, 3),
        new("depthwise with channel multiplier 2", 2, 3, 7, 5, 6, 3, 1, 1, 1, 3),
        // NASNet's conv_7x1_1x7 at stride 2: a 1x7 with stride (1, 2), then a 7x1 with stride (2, 1).
        new("1x7 stride 1x2 pad 0x3", 2, 3, 5, 9, 4, 1, 1, 0, 1, 1, KernelWidth: 7, StrideWidth: 2, PaddingWidth: 3),
        new("7x1 stride 2x1 pad 3x0", 2, 3, 9, 5, 4, 7, 2, 3, 1, 1, KernelWidth: 1, StrideWidth: 1, PaddingWidth: 0),
        new("depthwise 3x5 stride 2x1", 2, 3, 7, 8, 3, 3, 2, 1, 1, 3, KernelWidth: 5, StrideWidth: 1, PaddingWidth: 2),
    ];
}

[TestFixture]
public sealed class ConvolutionGradientTests
{
    [TestCaseSource(typeof(ConvCase), nameof(ConvCase.All))]
    public void Conv2dGradientsMatchFiniteDifferences(ConvCase c)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(11);
        using var x = TestData.DifferentiableInput(backend, rng, [c.N, c.C, c.H, c.W], "x");
        using var w = TestData.Parameter(backend, rng, c.WeightShape, "w");
        new GradientChecker(backend).AssertMatches(tape => c.Apply(tape, x, w), x, w);
    }

    [TestCaseSource(typeof(ConvCase), nameof(ConvCase.All))]
    public void Conv2dForwardMatchesDirectSum(ConvCase c)
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(5);
        var xv = TestData.Uniform(rng, (long)c.N * c.C * c.H * c.W);
        var wv = TestData.Uniform(rng, (long)c.OutC * (c.C / c.Groups) * c.Kernel * c.KernelW);
        using var x = TestData.Input(backend, xv, [c.N, c.C, c.H, c.W], "x");
        using var w = TestData.Input(backend, wv, c.WeightShape, "w");
        using var tape = new Tape(backend);
        var y = c.Apply(tape, x, w);
        var expected = ReferenceConvolution(c, xv, wv, y.Shape4);
        Assert.That(y.ToDoubleArray(), Is.EqualTo(expected).Within(1e-12));
    }

    /// <summary>The definition, one output at a time, for comparison with the blocked kernels.</summary>
    private static double[] ReferenceConvolution(ConvCase c, double[] x, double[] w, Shape4 outShape)
    {
        var y = new double[outShape.Length];
        int icg = c.C / c.Groups, ocg = c.OutC / c.Groups;
        for (int n = 0; n < c.N; n++)
            for (int o = 0; o < c.OutC; o++)
                for (int i = 0; i < outShape.H; i++)
                    for (int j = 0; j < outShape.W; j++)
                    {
                        double sum = 0;
                        for (int ci = 0; ci < icg; ci++)
                            for (int ki = 0; ki < c.Kernel; ki++)
                                for (int kj = 0; kj < c.KernelW; kj++)
                                {
                                    int h = i * c.Stride - c.Padding + ki * c.Dilation, v = j * c.StrideW - c.PaddingW + kj * c.Dilation;
                                    if (h < 0 || h >= c.H || v < 0 || v >= c.W) continue;
                                    int channel = o / ocg * icg + ci;
                                    sum += x[((n * c.C + channel) * c.H + h) * c.W + v] * w[((o * icg + ci) * c.Kernel + ki) * c.KernelW + kj];
                                }
                        y[((n * c.OutC + o) * outShape.H + i) * outShape.W + j] = sum;
                    }
        return y;
    }
}
