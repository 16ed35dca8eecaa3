using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Cuda;

/// <summary>CUDA versus CPU for the multi-tensor ops, over a list longer than one launch's 32 slots, with empty and large storages.</summary>
[TestFixture]
[Category("Device")]
public class MultiTensorParityTests : DeviceTestBase
{
    // 70 storages: three launches; one of 300,000 elements (more than 32 blocks' worth), two empty.
    private static readonly long[] Lengths = [.. Enumerable.Range(0, 70).Select(i => i == 13 ? 300_000L : i is 20 or 41 ? 0L : 1L + i * 811 % 9000)];

    private Buf[] RandomList(int seed) => [.. Lengths.Select((n, i) => (Buf)Rand(seed * 1000 + i, n))];

    private static IReadOnlyList<Storage> All(Storage[] s) => s;

    [Test]
    public void FillMany() => Parity("fill many", RandomList(1), (b, s) => b.FillMany(new FillManyArgs(All(s), 0.5)), [.. Enumerable.Range(0, Lengths.Length)]);

    [Test]
    public void ScaleMany() => Parity("scale many", RandomList(2), (b, s) => b.ScaleMany(new ScaleManyArgs(All(s), -0.3)), [.. Enumerable.Range(0, Lengths.Length)]);

    [Test]
    public void SumOfSquaresManyAndAllFiniteMany()
    {
        var args = RandomList(3);
        double cpu = 0, gpu = 0;
        bool cpuFinite = false, gpuFinite = false;
        Parity("sum of squares many", args, (b, s) =>
        {
            double total = b.SumOfSquaresMany(new SumOfSquaresManyArgs(All(s)));
            bool finite = b.AllFiniteMany(new AllFiniteManyArgs(All(s)));
            if (b == Cpu) (cpu, cpuFinite) = (total, finite);
            else (gpu, gpuFinite) = (total, finite);
        });
        Assert.That(gpu, Is.EqualTo(cpu).Within(1e-9).Percent);
        Assert.That((cpuFinite, gpuFinite), Is.EqualTo((true, true)));
        // The same list again gives the same total bit for bit: the partial sums are added in a fixed order.
        var again = args.Select(a => Upload(Gpu, a, gpuSide: true)).ToArray();
        Assert.That(Gpu.SumOfSquaresMany(new SumOfSquaresManyArgs(again)), Is.EqualTo(gpu));
        var poisoned = ReadFloats(Gpu, again[13]);
        poisoned[299_999] = float.PositiveInfinity;
        Gpu.CopyIn(again[13], poisoned);
        Assert.That(Gpu.AllFiniteMany(new AllFiniteManyArgs(again)), Is.False);
        foreach (var s in again) s.Dispose();
    }

    [Test]
    public void SgdUpdateManyOverManyLaunches()
    {
        int n = Lengths.Length;
        var step = new SgdStep(0.05, 0.9, 3e-4);
        Buf[] args = [.. RandomList(4), .. RandomList(5), .. RandomList(6)];
        Parity("sgd update many", args, (b, s) =>
            b.SgdUpdateMany(new SgdUpdateManyArgs([.. Enumerable.Range(0, n).Select(i => new SgdUpdateArgs(s[i], s[n + i], s[2 * n + i], step))])),
            [.. Enumerable.Range(0, n), .. Enumerable.Range(2 * n, n)]);
    }

    /// <summary>The pinned-staging read-back of a list (a rank's gradients) equals one CopyOut per buffer, empty buffers included, twice over (the staging is reused).</summary>
    [Test]
    public void CopyOutAllEqualsOneCopyOutPerBuffer()
    {
        foreach (int seed in new[] { 8, 9 })
        {
            var storages = RandomList(seed).Select(a => Upload(Gpu, a, gpuSide: true)).ToArray();
            var expected = storages.SelectMany(s => ReadFloats(Gpu, s)).ToArray();
            var all = new float[expected.Length];
            Gpu.CopyOutAll(storages, all);
            Assert.That(all, Is.EqualTo(expected), $"list {seed}");
            foreach (var s in storages) s.Dispose();
        }
    }

    [Test]
    public void LaunchesAreCountedPerListNotPerTensor()
    {
        var storages = RandomList(7).Select(a => Upload(Gpu, a, gpuSide: true)).ToArray();
        var before = Gpu.Launches;
        ((IBackend)Gpu).FillMany(new FillManyArgs(storages, 0));
        Assert.That((Gpu.Launches - before).Kernels, Is.EqualTo(3), "68 non-empty storages in launches of 32");
        foreach (var s in storages) s.Dispose();
    }
}
