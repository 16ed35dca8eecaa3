using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Cuda;

/// <summary>CUDA versus CPU for element-wise, layout, dense, loss, reduction, weighted-sum and optimizer ops.</summary>
[TestFixture]
[Category("Device")]
public class ElementwiseParityTests : DeviceTestBase
{
    private const int N = 100_003; // not a multiple of any block size

    [Test]
    public void Relu() => Parity("relu", [Rand(1, N), new Buf.Output(N)], (b, s) => b.Elementwise(new ReluArgs(s[0], s[1])), 1);

    [TestCase(false)]
    [TestCase(true)]
    public void ReluBackward(bool accumulate) =>
        Parity("relu backward", [Rand(2, N), Rand(3, N), accumulate ? Rand(4, N) : new Buf.Output(N)],
            (b, s) => b.Elementwise(new ReluBackwardArgs(s[0], s[1], s[2], accumulate)), 2);

    [Test]
    public void Add() => Parity("add", [Rand(5, N), Rand(6, N), new Buf.Output(N)], (b, s) => b.Elementwise(new AddArgs(s[0], s[1], s[2])), 2);

    [TestCase(false)]
    [TestCase(true)]
    public void Scale(bool accumulate) =>
        Parity("scale", [Rand(7, N), accumulate ? Rand(8, N) : new Buf.Output(N)], (b, s) => b.Elementwise(new ScaleArgs(s[0], -0.75, s[1], accumulate)), 1);

    [TestCase(false)]
    [TestCase(true)]
    public void ScaleRows(bool accumulate)
    {
        const int rows = 16, row = 777;
        float[] factors = [.. Enumerable.Range(0, rows).Select(i => i % 3 == 0 ? 0f : 1.25f)];
        Parity("scale rows", [Rand(9, rows * row), new Buf.Data(factors), accumulate ? Rand(10, rows * row) : new Buf.Output(rows * row)],
            (b, s) => b.Elementwise(new ScaleRowsArgs(s[0], s[1], row, s[2], accumulate)), 2);
    }

    [Test]
    public void FillCopyAndRoundTrip()
    {
        Parity("fill", [new Buf.Output(N)], (b, s) => b.Fill(s[0], 2.5), 0);
        Parity("copy", [Rand(11, N), new Buf.Output(N)], (b, s) => b.Copy(s[0], s[1]), 1);
        using var labels = Gpu.Allocate(5, DType.Int32, BufferCategory.Inputs);
        Gpu.Fill(labels, 7);
        var host = new int[5];
        Gpu.CopyOut(labels, host);
        Assert.That(host, Is.All.EqualTo(7));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CopyChannels(bool accumulate)
    {
        var src = new Shape4(3, 5, 7, 9);
        var dst = new Shape4(3, 12, 7, 9);
        Parity("copy channels", [Rand(12, src.Length), Rand(13, dst.Length)],
            (b, s) => b.CopyChannels(new CopyChannelsArgs(s[0], src, 1, s[1], dst, 6, 4, accumulate)), 1);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SliceSpatialAndItsAdjoint(bool accumulate)
    {
        var x = new Shape4(2, 3, 9, 9);
        var y = new Shape4(2, 3, 8, 8);
        Parity("slice", [Rand(14, x.Length), new Buf.Output(y.Length)], (b, s) => b.SliceSpatial(new SliceSpatialArgs(new SpatialWindow(x, 1, 1, y.H, y.W), s[0], s[1])), 1);
        Parity("slice backward", [Rand(15, y.Length), accumulate ? Rand(16, x.Length) : new Buf.Output(x.Length)],
            (b, s) => b.SliceSpatialBackward(new SliceSpatialBackwardArgs(new SpatialWindow(x, 1, 1, y.H, y.W), s[0], s[1], accumulate)), 1);
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void Gemm(bool ta, bool tb)
    {
        const int m = 37, n = 29, k = 53;
        Parity("gemm", [Rand(17, m * k), Rand(18, k * n), new Buf.Output(m * n)], (b, s) => b.Gemm(new GemmArgs(ta, tb, m, n, k, 1.0, s[0], s[1], 0.0, s[2])), 2);
        Parity("gemm beta", [Rand(19, m * k), Rand(20, k * n), Rand(21, m * n)], (b, s) => b.Gemm(new GemmArgs(ta, tb, m, n, k, 0.5, s[0], s[1], 0.75, s[2])), 2);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BiasForwardAndBackward(bool accumulate)
    {
        const int rows = 64, cols = 10;
        Parity("add bias", [Rand(22, rows * cols), Rand(23, cols)], (b, s) => b.AddBias(new AddBiasArgs(s[0], s[1], rows, cols)), 0);
        Parity("bias backward", [Rand(24, rows * cols), accumulate ? Rand(25, cols) : new Buf.Output(cols)],
            (b, s) => b.BiasBackward(new BiasBackwardArgs(s[0], rows, cols, s[1], accumulate)), 1);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void SoftmaxCrossEntropy(bool accumulate)
    {
        const int rows = 67, classes = 10;
        int[] labels = [.. Enumerable.Range(0, rows).Select(i => (i * 7) % classes)];
        Parity("softmax xent", [Rand(26, rows * classes, 3), new Buf.Labels(labels), new Buf.Output(rows * classes), new Buf.Output(rows)],
            (b, s) => b.SoftmaxCrossEntropy(new SoftmaxCrossEntropyArgs(s[0], s[1], rows, classes, s[2], s[3])), 2, 3);
        float[] probs = Softmax(Random(27, rows * classes), rows, classes);
        Parity("softmax xent backward", [new Buf.Data(probs), new Buf.Labels(labels), Rand(28, rows), accumulate ? Rand(29, rows * classes) : new Buf.Output(rows * classes)],
            (b, s) => b.SoftmaxCrossEntropyBackward(new SoftmaxCrossEntropyBackwardArgs(s[0], s[1], s[2], rows, classes, s[3], accumulate)), 3);
    }

    [Test]
    public void ALabelOutOfRangeIsAnError()
    {
        using var logits = Upload(Gpu, Rand(30, 20), true);
        using var labels = Upload(Gpu, new Buf.Labels([0, 1, 10, 2]), true);
        using var probs = Upload(Gpu, new Buf.Output(20), true);
        using var ll = Upload(Gpu, new Buf.Output(4), true);
        var e = Assert.Throws<ArgumentException>(() => Gpu.SoftmaxCrossEntropy(new SoftmaxCrossEntropyArgs(logits, labels, 4, 5, probs, ll)))!;
        Assert.That(e.Message, Does.Contain("label 10 of row 2"));
    }

    [Test]
    public void Reductions()
    {
        var data = Random(31, 3_000_001);
        using var x = Upload(Gpu, new Buf.Data(data), true);
        double expected = data.Sum(v => (double)v * v);
        Assert.That(Gpu.SumOfSquares(x), Is.EqualTo(expected).Within(1e-7).Percent);
        Assert.That(Gpu.AllFinite(x), Is.True);
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            data[2_999_999] = bad;
            Gpu.CopyIn(x, data);
            Assert.That(Gpu.AllFinite(x), Is.False, $"{bad} not found");
        }
    }

    [TestCase(0.0)]
    [TestCase(0.9)]
    public void Sgd(double momentum)
    {
        var step = new SgdStep(0.05, momentum, 3e-4);
        Parity("sgd", [Rand(32, N), Rand(33, N), Rand(34, N, 0.1)], (b, s) => { b.SgdUpdate(new SgdUpdateArgs(s[0], s[1], s[2], step)); b.SgdUpdate(new SgdUpdateArgs(s[0], s[1], s[2], step)); }, 0, 2);
    }

    [Test]
    public void Adam()
    {
        Parity("adam", [Rand(35, N), Rand(36, N), Rand(37, N, 0.01), new Buf.Data(Random(38, N, 0.01).Select(v => v * v).ToArray())], (b, s) =>
        {
            for (int t = 1; t <= 3; t++) b.AdamUpdate(new AdamUpdateArgs(s[0], s[1], s[2], s[3], new AdamStep(1e-3, 0.9, 0.999, 1e-8, 1e-4, t)));
        }, 0, 2, 3);
    }

    [Test]
    public void MultiTensorSgdMatchesOneLaunchPerParameter()
    {
        // 20 parameters of assorted sizes: two launches of up to 16 slots, blocks split across slots.
        var sizes = Enumerable.Range(0, 20).Select(i => 1 + i * 997 % 9000).ToArray();
        var step = new SgdStep(0.1, 0.9, 1e-4);
        var many = sizes.Select((n, i) => (W: Upload(Gpu, Rand(100 + i, n), true), G: Upload(Gpu, Rand(200 + i, n), true), M: Upload(Gpu, Rand(300 + i, n), true))).ToArray();
        var one = sizes.Select((n, i) => (W: Upload(Gpu, Rand(100 + i, n), true), G: Upload(Gpu, Rand(200 + i, n), true), M: Upload(Gpu, Rand(300 + i, n), true))).ToArray();
        try
        {
            Gpu.SgdUpdateMany(new SgdUpdateManyArgs([.. many.Select(p => new SgdUpdateArgs(p.W, p.G, p.M, step))]));
            foreach (var p in one) Gpu.SgdUpdate(new SgdUpdateArgs(p.W, p.G, p.M, step));
            for (int i = 0; i < sizes.Length; i++)
                Assert.That(ReadFloats(Gpu, many[i].W), Is.EqualTo(ReadFloats(Gpu, one[i].W)), $"parameter {i}");
        }
        finally
        {
            foreach (var p in many.Concat(one)) { p.W.Dispose(); p.G.Dispose(); p.M.Dispose(); }
        }
    }

    /// <summary>The mixed op's weight gradient: products summed in double on both sides, within the order's rounding.</summary>
    [Test]
    public void DotMatchesTheCpu()
    {
        var cpu = new[] { Upload(Cpu, Rand(420, N), gpuSide: false), Upload(Cpu, Rand(421, N), gpuSide: false) };
        var gpu = new[] { Upload(Gpu, Rand(420, N), gpuSide: true), Upload(Gpu, Rand(421, N), gpuSide: true) };
        try
        {
            double expected = Cpu.Dot(new DotArgs(cpu[0], cpu[1]));
            Assert.That(Gpu.Dot(new DotArgs(gpu[0], gpu[1])), Is.EqualTo(expected).Within(1e-9 * Math.Max(1, Math.Abs(expected))));
        }
        finally
        {
            foreach (var s in cpu.Concat(gpu)) s.Dispose();
        }
    }

    /// <summary>Both sides sum each element in double with fused multiply-adds in source order and round once: the same bits.</summary>
    [TestCase(0.0)]
    [TestCase(0.185)]
    public void WeightedSumGivesTheCpusBits(double beta)
    {
        double[] weights = [0.3, -1.7, 1e-3, 2.5, 0.0, 1.0 / 3];
        Buf[] args = [.. weights.Select((_, i) => Rand(400 + i, N)), beta == 0 ? new Buf.Output(N) : Rand(410, N)];
        var cpu = args.Select(a => Upload(Cpu, a, gpuSide: false)).ToArray();
        var gpu = args.Select(a => Upload(Gpu, a, gpuSide: true)).ToArray();
        try
        {
            Cpu.WeightedSum(new WeightedSumArgs(cpu[..^1], weights, cpu[^1], beta));
            Gpu.WeightedSum(new WeightedSumArgs(gpu[..^1], weights, gpu[^1], beta));
            Assert.That(ReadFloats(Gpu, gpu[^1]), Is.EqualTo(ReadFloats(Cpu, cpu[^1])));
        }
        finally
        {
            foreach (var s in cpu.Concat(gpu)) s.Dispose();
        }
    }

    private static float[] Softmax(float[] z, int rows, int classes)
    {
        var p = new float[z.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = z.AsSpan(r * classes, classes);
            float m = row.ToArray().Max();
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(row[c] - m);
            for (int c = 0; c < classes; c++) p[r * classes + c] = (float)(Math.Exp(row[c] - m) / sum);
        }
        return p;
    }
}
