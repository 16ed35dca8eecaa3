using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

/// <summary>
/// The CPU backend's weighted sum against the contract's arithmetic written out element by element: start from y or
/// 0, fused multiply-add of every source in list order in double, one rounding at the end. Bit for bit, because the
/// CUDA kernel promises the same bits.
/// </summary>
[TestFixture]
public sealed class WeightedSumTests
{
    [TestCase(DType.Float32, false)]
    [TestCase(DType.Float32, true)]
    [TestCase(DType.Float64, false)]
    [TestCase(DType.Float64, true)]
    public void EveryElementIsTheInOrderFusedSumOfItsSources(DType dtype, bool accumulate)
    {
        // Long enough that the parallel split and the blocks inside it both cut the buffer.
        const int n = 300_001;
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var rng = new Rng(4);
        double[] weights = [0.3, -1.7, 1e-3, 2.5, 0.0, 1.0 / 3];
        var sources = weights.Select(_ => Buffer(backend, TestData.Uniform(rng, n), dtype)).ToList();
        var start = TestData.Uniform(rng, n);
        using var y = Buffer(backend, start, dtype);
        var initial = y.ToDoubleArray(); // as stored: rounded to Float32 there

        backend.WeightedSum(new WeightedSumArgs(sources.Select(s => s.Storage).ToList(), weights, y.Storage, accumulate));

        var values = sources.Select(s => s.ToDoubleArray()).ToList();
        var actual = y.ToDoubleArray();
        for (int i = 0; i < n; i++)
        {
            double sum = accumulate ? initial[i] : 0;
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
        var tooMany = Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources, sources.Select(_ => 1.0).ToList(), y, false))!;
        Assert.That(tooMany.Message, Does.Contain($"1 to {WeightedSumArgs.MaxSources} sources"));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources[..2], [1.0], y, false));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs(sources[..2], [1.0, double.NaN], y, false));
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs([sources[0], y], [1.0, 1.0], y, true));
        var shorter = backend.Allocate(3, DType.Float32, BufferCategory.Inputs);
        Assert.Throws<ArgumentException>(() => _ = new WeightedSumArgs([shorter], [1.0], y, false));
    }

    private static Tensor Buffer(IBackend backend, double[] values, DType dtype) =>
        Tensor.FromArray(backend, values, [values.Length], dtype);
}
