using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Meta;

namespace Parsec.Tests.Engine;

/// <summary>
/// The members without an argument record (Copy, CopyIn, CopyOut, Fill, the one-buffer reductions) refuse the same
/// calls with the same words on every backend, because one shared check makes the refusal. The CUDA backend's run
/// is in the device tests' CPU-against-CUDA parity; here the CPU and the shape-only backends.
/// </summary>
[TestFixture]
public sealed class StorageChecksTests
{
    private static IEnumerable<Func<IBackend>> Backends()
    {
        yield return () => new CpuBackend();
        yield return () => new MetaBackend();
    }

    [TestCaseSource(nameof(Backends))]
    public void EachRefusalNamesTheCallAndWhatItExpected(Func<IBackend> create)
    {
        using var backend = create();
        using var floats = backend.Allocate(4, DType.Float32, BufferCategory.Activations);
        using var longer = backend.Allocate(5, DType.Float32, BufferCategory.Activations);
        using var ints = backend.Allocate(4, DType.Int32, BufferCategory.Activations);

        Assert.That(() => backend.Copy(floats, longer), Throws.ArgumentException.With.Message.EqualTo($"Copy: {floats} and {longer} differ in type or length"));
        Assert.That(() => backend.Copy(floats, ints), Throws.ArgumentException.With.Message.Contains("differ in type or length"));
        Assert.That(() => backend.CopyIn(floats, new float[3]), Throws.ArgumentException.With.Message.EqualTo($"CopyIn: the buffer must hold 3 elements, {floats} holds 4"));
        Assert.That(() => backend.CopyIn(floats, new int[4]), Throws.ArgumentException.With.Message.EqualTo($"CopyIn: {floats} holds Float32, the call passes Int32"));
        Assert.That(() => backend.CopyOut(ints, new float[4]), Throws.ArgumentException.With.Message.EqualTo($"CopyOut: {ints} holds Int32, the call passes Float32"));
        Assert.That(() => backend.CopyOutAll([floats, ints], new float[8]), Throws.ArgumentException.With.Message.EqualTo($"CopyOutAll: {ints} holds Int32, the call passes Float32"));
        Assert.That(() => backend.CopyOutAll([floats, longer], new float[8]), Throws.ArgumentException.With.Message.EqualTo("CopyOutAll: the 2 buffers hold 9 elements, the destination 8"));
        Assert.That(() => backend.Fill(ints, 0.5), Throws.ArgumentException.With.Message.EqualTo("Fill: 0.5 is not an Int32 value"));
        Assert.That(() => backend.Fill(ints, 3e10), Throws.ArgumentException.With.Message.EqualTo("Fill: 30000000000 is not an Int32 value"));
        Assert.That(() => backend.SumOfSquares(ints), Throws.ArgumentException.With.Message.EqualTo($"SumOfSquares: {ints} is Int32, this op needs Float32 or Float64"));
        Assert.That(() => backend.AllFinite(ints), Throws.ArgumentException.With.Message.EqualTo($"AllFinite: {ints} is Int32, this op needs Float32 or Float64"));

        // The same calls asked rightly pass the checks.
        using var same = backend.Allocate(4, DType.Float32, BufferCategory.Activations);
        Assert.That(() => { backend.Fill(ints, -7); backend.CopyIn(floats, [1f, 2f, 3f, 4f]); backend.Copy(floats, same); backend.CopyOut(same, new float[4]); }, Throws.Nothing);
    }

    /// <summary>CopyOutAll lays the buffers end to end in list order, empty ones included, as one CopyOut each would.</summary>
    [Test]
    public void CopyOutAllPutsEachBufferAfterTheLast()
    {
        using var cpu = new CpuBackend();
        IBackend backend = cpu; // the interface's own CopyOutAll, which the CPU and shape-only backends use
        using var a = backend.Allocate(3, DType.Float32, BufferCategory.Activations);
        using var empty = backend.Allocate(0, DType.Float32, BufferCategory.Activations);
        using var b = backend.Allocate(2, DType.Float32, BufferCategory.Activations);
        backend.CopyIn(a, [1f, 2f, 3f]);
        backend.CopyIn(b, [4f, 5f]);
        var all = new float[5];
        backend.CopyOutAll([b, empty, a], all);
        Assert.That(all, Is.EqualTo(new[] { 4f, 5f, 1f, 2f, 3f }));
    }
}
