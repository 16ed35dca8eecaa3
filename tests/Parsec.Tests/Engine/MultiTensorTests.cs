using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Cuda;

namespace Parsec.Tests.Engine;

/// <summary>
/// Multi-tensor ops on the CPU backend equal the single-tensor ops applied one storage at a time, bit for bit;
/// and the CUDA backend's packing of a list into launches covers every element once, within the launch limits.
/// </summary>
public class MultiTensorTests
{
    private static readonly int[] Lengths = [1, 7, 4096, 0, 4097, 300_000, 33, 5];

    private static List<Storage> Storages(CpuBackend cpu, int seed)
    {
        var rng = new Rng((ulong)seed);
        return Lengths.Select(n =>
        {
            var s = cpu.Allocate(n, DType.Float32, BufferCategory.WeightGradients);
            cpu.CopyIn(s, Enumerable.Range(0, n).Select(_ => (float)rng.NextGaussian()).ToArray());
            return s;
        }).ToList();
    }

    private static float[][] Read(CpuBackend cpu, IEnumerable<Storage> storages) => storages.Select(s =>
    {
        var v = new float[s.Length];
        cpu.CopyOut(s, v);
        return v;
    }).ToArray();

    [Test]
    public void FillScaleAndSumOfSquaresEqualOneStorageAtATime()
    {
        using var cpu = new CpuBackend();
        IBackend backend = cpu;
        var many = Storages(cpu, 1);
        var single = Storages(cpu, 1);

        double expectedSum = single.Sum(s => cpu.SumOfSquares(s));
        Assert.That(backend.SumOfSquaresMany(new SumOfSquaresManyArgs(many)), Is.EqualTo(expectedSum), "added in list order");

        backend.ScaleMany(new ScaleManyArgs(many, -0.37));
        foreach (var s in single) cpu.Elementwise(new ScaleArgs(s, -0.37, s, accumulate: false));
        Assert.That(Read(cpu, many), Is.EqualTo(Read(cpu, single)));

        backend.FillMany(new FillManyArgs(many, 0));
        Assert.That(Read(cpu, many).SelectMany(v => v), Is.All.EqualTo(0f));
    }

    [Test]
    public void AllFiniteManyFindsOneNanAnywhere()
    {
        using var cpu = new CpuBackend();
        IBackend backend = cpu;
        var storages = Storages(cpu, 2);
        Assert.That(backend.AllFiniteMany(new AllFiniteManyArgs(storages)), Is.True);
        var last = storages[^1];
        var values = new float[last.Length];
        cpu.CopyOut(last, values);
        values[^1] = float.NaN;
        cpu.CopyIn(last, values);
        Assert.That(backend.AllFiniteMany(new AllFiniteManyArgs(storages)), Is.False);
    }

    [Test]
    public void SgdUpdateManyEqualsOneParameterAtATime()
    {
        using var cpu = new CpuBackend();
        IBackend backend = cpu;
        var (weights, grads, momenta) = (Storages(cpu, 3), Storages(cpu, 4), Storages(cpu, 5));
        var (weights2, grads2, momenta2) = (Storages(cpu, 3), Storages(cpu, 4), Storages(cpu, 5));
        var step = new SgdStep(0.1, 0.9, 3e-4);
        backend.SgdUpdateMany(new SgdUpdateManyArgs([.. weights.Select((w, i) => new SgdUpdateArgs(w, grads[i], momenta[i], step))]));
        for (int i = 0; i < weights2.Count; i++) cpu.SgdUpdate(new SgdUpdateArgs(weights2[i], grads2[i], momenta2[i], step));
        Assert.That(Read(cpu, weights), Is.EqualTo(Read(cpu, weights2)));
        Assert.That(Read(cpu, momenta), Is.EqualTo(Read(cpu, momenta2)));
    }

    [Test]
    public void AListMixingElementTypesOrStepsIsRefused()
    {
        using var cpu = new CpuBackend();
        var f32 = cpu.Allocate(4, DType.Float32, BufferCategory.Weights);
        var f64 = cpu.Allocate(4, DType.Float64, BufferCategory.Weights);
        Assert.That(() => new FillManyArgs([f32, f64], 0), Throws.ArgumentException.With.Message.Contains("FillMany"));
        var a = new SgdUpdateArgs(f32, f32, f32, new SgdStep(0.1, 0.9, 0));
        var b = new SgdUpdateArgs(f32, f32, f32, new SgdStep(0.2, 0.9, 0));
        Assert.That(() => new SgdUpdateManyArgs([a, b]), Throws.ArgumentException.With.Message.Contains("one step"));
    }

    [Test]
    public unsafe void PackingCoversEveryElementOnceWithinTheLaunchLimits()
    {
        // 100 storages of varied lengths, some empty, one far larger than 32 blocks' worth.
        var lengths = Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? 0L : i == 55 ? 5_000_000L : 1L + i * 997 % 20_000).ToList();
        var launches = TensorSlots.Pack([.. lengths.Select((n, i) => ((ulong)(1000 + i), n))]);
        var seen = new List<(ulong Pointer, long Length)>();
        foreach (var (slots, blocks) in launches)
        {
            Assert.That(slots.Count, Is.InRange(1, TensorSlots.Capacity));
            Assert.That(blocks, Is.LessThanOrEqualTo(1024), "a launch's partial sums fit the reduction scratch");
            Assert.That(slots.BlockStart[0], Is.EqualTo(0));
            Assert.That(slots.BlockStart[slots.Count], Is.EqualTo(blocks));
            for (int s = 0; s < slots.Count; s++)
            {
                int slotBlocks = slots.BlockStart[s + 1] - slots.BlockStart[s];
                Assert.That(slotBlocks, Is.InRange(1, TensorSlots.MaxBlocksPerSlot));
                seen.Add((slots.Data[s], slots.Length[s]));
            }
        }
        var nonEmpty = lengths.Select((n, i) => ((ulong)(1000 + i), n)).Where(p => p.n > 0).ToList();
        Assert.That(seen, Is.EqualTo(nonEmpty), "every non-empty storage once, in order");
    }
}
