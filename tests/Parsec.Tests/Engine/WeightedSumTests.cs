using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>
/// The CPU backend's weighted sum against the contract's arithmetic written out element by element: start from beta y
/// (0 when beta is 0, without reading y), fused multiply-add of every source in list order in double, one rounding at the end. Bit for bit, because the
/// CUDA kernel promises the same bits.
/// </summary>
[TestFixture]
public sealed class WeightedSumTests
{
    [TestCase(DType.Float32, 0.0)]
    [TestCase(DType.Float32, 1.0)]
    [TestCase(DType.Float32, 0.185)]
    [TestCase(DType.Float64, 0.0)]
    [TestCase(DType.Float64, 0.185)]
    public void EveryElementIsTheInOrderFusedSumOfItsSources(DType dtype, double beta)
    {
        // Long enough that the parallel split and the blocks inside it both cut the buffer.
        const int n = 300_001;
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(4);
        double[] weights = [0.3, -1.7, 1e-3, 2.5, 0.0, 1.0 / 3];
        var sources = weights.Select(_ => Buffer(backend, TestData.Uniform(rng, n), dtype)).ToList();
        // With beta 0, y is a fresh buffer the backend filled with NaN: it must not be read.
        using var y = beta == 0 ? Tensor.Empty(backend, [n], dtype, BufferCategory.Inputs) : Buffer(backend, TestData.Uniform(rng, n), dtype);
        var initial = y.ToDoubleArray(); // as stored: rounded to Float32 there

        backend.WeightedSum(new WeightedSumArgs(sources.Select(s => s.Storage).ToList(), weights, y.Storage, beta));

        var values = sources.Select(s => s.ToDoubleArray()).ToList();
        var actual = y.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            double sum = beta != 0 ? beta * initial[i] : 0;
            for (int s = 0; s < weights.Length; s++) sum = Math.FusedMultiplyAdd(weights[s], values[s][i], sum);
            double expected = dtype == DType.Float32 ? (float)sum : sum;
            if (BitConverter.DoubleToInt64Bits(actual[i]) != BitConverter.DoubleToInt64Bits(expected))
                Assert.Fail($"element {i}: {actual[i]:R}, expected {expected:R}");
        }
        sources.ForEach(s => s.Dispose());
    }

    [Test]
    public void TheRecordRefusesWhatTheKernelsCannotDo()
    {
        using var backend = new CpuBackend();
        var sources = Enumerable.Range(0, WeightedSumArgs.MaxSources + 1).Select(_ => backend.Allocate(4, DType.Float32, BufferCategory.Inputs)).ToList();
        var y = backend.Allocate(4, DType.Float32, BufferCategory.Inputs);
        var tooMany = Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources, sources.Select(_ => 1.0).ToList(), y, 0))!;
        Assert.That(tooMany.Message, Does.Contain($"1 to {WeightedSumArgs.MaxSources} sources"));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources[..2], [1.0], y, 0));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources[..2], [1.0, double.NaN], y, 0));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources[..2], [1.0, 1.0], y, double.PositiveInfinity));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs([sources[0], y], [1.0, 1.0], y, 1));
        var shorter = backend.Allocate(3, DType.Float32, BufferCategory.Inputs);
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs([shorter], [1.0], y, 0));
    }

    private static Tensor Buffer(IBackend backend, double[] values, DType dtype) =>
        Tensor.FromArray(backend, values, [values.Length], dtype);
}
