using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class CpuBackendTests
{
    [Test]
    public void IdentifiesItself()
    {
        using var backend = new CpuBackend();
        Assert.That(backend.Name, Is.EqualTo("cpu"));
        Assert.That(backend.Kind, Is.EqualTo(BackendKind.Cpu));
    }

    [Test]
    public void UsingADisposedStorageThrowsNamingTheBuffer()
    {
        using var backend = new CpuBackend();
        var storage = backend.Allocate(10, DType.Float32, BufferCategory.Activations);
        storage.Dispose();
        var error = Assert.Throws<ObjectDisposedException>(() => backend.Fill(storage, 1));
        Assert.That(error!.Message, Does.Contain("cpu buffer #").And.Contain("Float32").And.Contain("10 elements").And.Contain("Activations"));
        Assert.Throws<ObjectDisposedException>(() => backend.CopyOut(storage, new float[10]));
    }

    [Test]
    public void MemoryStatsFollowAllocationsAndReleasesPerCategory()
    {
        using var backend = new CpuBackend();
        var stats = backend.Memory;
        var weights = backend.Allocate(100, DType.Float32, BufferCategory.Weights);
        var activations = backend.Allocate(50, DType.Float64, BufferCategory.Activations);
        var labels = backend.Allocate(8, DType.Int32, BufferCategory.Inputs);
        Assert.That(stats.Allocations, Is.EqualTo(3));
        Assert.That(stats.Live(BufferCategory.Weights), Is.EqualTo(400));
        Assert.That(stats.Live(BufferCategory.Activations), Is.EqualTo(400));
        Assert.That(stats.Live(BufferCategory.Inputs), Is.EqualTo(32));
        Assert.That(stats.LiveBytes, Is.EqualTo(832));
        Assert.That(stats.StepPeakBytes, Is.EqualTo(432));

        activations.Dispose();
        activations.Dispose(); // a second dispose must not release twice
        Assert.That(stats.Live(BufferCategory.Activations), Is.EqualTo(0));
        Assert.That(stats.LiveBytes, Is.EqualTo(432));
        Assert.That(stats.PeakBytes, Is.EqualTo(832));

        labels.Dispose();
        backend.ResetStep();
        Assert.That(stats.StepPeakBytes, Is.EqualTo(0), "ResetStep starts a new step peak");
        weights.Dispose();
        Assert.That(stats.LiveBytes, Is.EqualTo(0));
    }

    [Test]
    public void RecycledBuffersAreStillWrittenBeforeRead()
    {
        // A released array goes back to the pool; the next buffer of that size reuses it, and an op writing
        // it must overwrite the old contents.
        using var backend = new CpuBackend();
        var first = backend.Allocate(4, DType.Float64, BufferCategory.Activations);
        backend.CopyIn(first, [1.0, 2, 3, 4]);
        first.Dispose();
        var second = backend.Allocate(4, DType.Float64, BufferCategory.Activations);
        using var x = TestData.Input(backend, [-1, 5, -2, 6], [4], "x");
        backend.Elementwise(new ReluArgs(x.Storage, second));
        var result = new double[4];
        backend.CopyOut(second, result);
        Assert.That(result, Is.EqualTo(new double[] { 0, 5, 0, 6 }));
        second.Dispose();
    }

    [Test]
    public void MixedElementTypesAreRejected()
    {
        using var backend = new CpuBackend();
        using var a = Tensor.Zeros(backend, [4], DType.Float32, BufferCategory.Inputs);
        using var b = Tensor.Zeros(backend, [4], DType.Float64, BufferCategory.Inputs);
        var error = Assert.Throws<ArgumentException>(() => backend.Elementwise(new AddArgs(a.Storage, a.Storage, b.Storage)));
        Assert.That(error!.Message, Does.Contain("Float32").And.Contain("Float64"));
    }

    [Test]
    public void ReductionsAndFiniteness([Values(DType.Float32, DType.Float64)] DType dtype)
    {
        using var backend = new CpuBackend();
        var values = Enumerable.Range(1, 2500).Select(i => (double)(i % 7) - 3).ToArray();
        using var x = Tensor.FromArray(backend, values, [values.Length], dtype);
        Assert.That(backend.SumOfSquares(x.Storage), Is.EqualTo(values.Sum(v => v * v)).Within(1e-9));
        Assert.That(backend.AllFinite(x.Storage), Is.True);
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var copy = (double[])values.Clone();
            copy[1234] = bad;
            using var y = Tensor.FromArray(backend, copy, [copy.Length], dtype);
            Assert.That(backend.AllFinite(y.Storage), Is.False, $"{bad}");
        }
    }

    [Test]
    public void Float32KernelsAgreeWithFloat64()
    {
        // The gradient checks run in Float64; this runs a small network forward and backward in both types,
        // so the Float32 instantiations of every kernel are exercised too.
        var f64 = SmallNetwork.RunStep(DType.Float64);
        var f32 = SmallNetwork.RunStep(DType.Float32);
        Assert.That(f32.Loss, Is.EqualTo(f64.Loss).Within(1e-4));
        foreach (var (name, expected) in f64.Gradients)
        {
            var actual = f32.Gradients[name];
            double scale = Math.Max(1e-3, expected.Max(Math.Abs));
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(2e-4 * scale), $"{name}[{i}]");
        }
    }
}
