using NUnit.Framework;
using Parsec.Cuda;
using Parsec.Cuda.Memory;

namespace Parsec.Tests.Cuda;

/// <summary>The arena's bookkeeping over a borrowed (fake) address range: no GPU needed.</summary>
[TestFixture]
public class ArenaTests
{
    private const ulong Base = 0x7000_0000_0000;

    private static DeviceArena Arena(long bytes, long persistent) =>
        new(DeviceBuffer.Borrow(Base, bytes), new ArenaOptions { PersistentBytes = persistent, Alignment = 256, CategoryNames = ["weights", "activations", "workspace"] });

    [Test]
    public void BestFitPicksTheSmallestRangeAndFreesMerge()
    {
        var r = new RangeAllocator(4096, 256);
        long a = r.AllocateBestFit(1024), b = r.AllocateBestFit(256), c = r.AllocateBestFit(512), d = r.AllocateBestFit(2304);
        Assert.That(new[] { a, b, c, d }, Is.EqualTo(new long[] { 0, 1024, 1280, 1792 }));
        Assert.That(r.AllocateBestFit(1), Is.EqualTo(-1));
        r.Free(a, 1024);
        r.Free(c, 512);
        // Two holes: 1024 at 0 and 512 at 1280; a 300-byte request takes the 512 hole.
        Assert.That(r.AllocateBestFit(300), Is.EqualTo(1280));
        r.Free(1280, 300);
        r.Free(b, 256);
        Assert.That(r.FreeRangeCount, Is.EqualTo(1), "0..1792 merged into one range");
        Assert.That(r.LargestFreeRange(), Is.EqualTo(1792));
        Assert.That(r.HighWaterMark, Is.EqualTo(4096));
        Assert.Throws<InvalidOperationException>(() => r.Free(0, 256));
    }

    [Test]
    public void PlacementAtAnOffsetOnlySucceedsOnFreeMemory()
    {
        var r = new RangeAllocator(4096, 256);
        Assert.That(r.TryAllocateAt(512, 1024), Is.True);
        Assert.That(r.TryAllocateAt(1024, 256), Is.False);
        Assert.That(r.TryAllocateAt(100, 256), Is.False, "misaligned");
        Assert.That(r.AllocateBestFit(512), Is.EqualTo(0));
        Assert.That(r.UsedBytes, Is.EqualTo(1536));
    }

    [Test]
    public void PackedBuffersNeverOverlapWhileAliveAndShareOtherwise()
    {
        var rng = new Random(7);
        var buffers = new List<LiveInterval>();
        for (int i = 0; i < 200; i++)
        {
            int start = rng.Next(100);
            buffers.Add(new LiveInterval(rng.Next(1, 5000), start, start + rng.Next(20)));
        }
        var (offsets, total) = LifetimePacker.Pack(buffers, 256);
        for (int i = 0; i < buffers.Count; i++)
            for (int j = i + 1; j < buffers.Count; j++)
            {
                if (!buffers[i].Overlaps(buffers[j])) continue;
                long ei = offsets[i] + LifetimePacker.Round(buffers[i].Bytes, 256), ej = offsets[j] + LifetimePacker.Round(buffers[j].Bytes, 256);
                Assert.That(offsets[i] >= ej || offsets[j] >= ei, $"buffers {i} and {j} are alive together and overlap");
            }
        long sum = buffers.Sum(b => LifetimePacker.Round(b.Bytes, 256));
        Assert.That(total, Is.LessThan(sum / 2), "disjoint lifetimes share memory");

        var chain = new[] { new LiveInterval(1000, 0, 1), new LiveInterval(1000, 2, 3), new LiveInterval(1000, 4, 5) };
        Assert.That(LifetimePacker.Pack(chain, 256).TotalBytes, Is.EqualTo(1024));
    }

    [Test]
    public void RegionsAreSeparateAndPointersAreBasePlusOffset()
    {
        using var arena = Arena(1 << 20, 1 << 18);
        var w = arena.Allocate(1000, 0, persistent: true);
        var a = arena.Allocate(1000, 1, persistent: false);
        Assert.That(w.Pointer, Is.EqualTo(Base));
        Assert.That(a.Pointer, Is.EqualTo(Base + (1 << 18)));
        Assert.That(arena.PersistentCapacityBytes + arena.PerStepCapacityBytes, Is.EqualTo(1 << 20));
        var f = arena.Footprint();
        Assert.That(f.Categories[0].LiveBytes, Is.EqualTo(1024));
        Assert.That(f.Categories[1].LiveBytes, Is.EqualTo(1024));
        arena.Free(a);
        arena.Free(w);
        Assert.That(arena.Footprint().PerStepPeakBytes, Is.EqualTo(1024));
    }

    [Test]
    public void RunningOutReportsTheFootprint()
    {
        using var arena = Arena(1 << 16, 1 << 14);
        arena.Allocate(40_000, 1, persistent: false);
        var e = Assert.Throws<ArenaOutOfMemoryException>(() => arena.Allocate(20_000, 2, persistent: false))!;
        Assert.That(e.Message, Does.Contain("20000 bytes of workspace").And.Contain("per-step"));
        Assert.That(e.Message, Does.Contain("activations").And.Contain("high-water mark"));
        Assert.That(e.Footprint.PerStepCapacityBytes, Is.EqualTo((1 << 16) - (1 << 14)));
        Assert.That(e.Footprint.Categories[1].LiveBytes, Is.EqualTo(40_192));
    }

    [Test]
    public void ARepeatedStepIsPlacedByItsLifetimePlan()
    {
        using var arena = Arena(1 << 22, 1 << 20);
        // A step shaped like forward + backward: x -> h1 -> h2, then gradients, with early frees.
        void Step()
        {
            var x = arena.Allocate(100_000, 1, false);
            var h1 = arena.Allocate(200_000, 1, false);
            var h2 = arena.Allocate(200_000, 1, false);
            arena.Free(h1);
            var g2 = arena.Allocate(200_000, 1, false);
            var ws = arena.Allocate(50_000, 2, false);
            arena.Free(ws);
            arena.Free(h2);
            var g1 = arena.Allocate(200_000, 1, false);
            arena.Free(g2);
            arena.Free(g1);
            arena.Free(x);
            arena.EndStep();
        }
        Step();
        Step();
        var before = arena.Footprint();
        Assert.That(before.PlannedStepBytes, Is.GreaterThan(0), "two identical steps make a plan");
        for (int i = 0; i < 5; i++) Step();
        var after = arena.Footprint();
        Assert.That(after.PlannedSteps, Is.EqualTo(5));
        Assert.That(after.PerStepUsedBytes, Is.EqualTo(0));
        Assert.That(after.PlannedStepBytes, Is.LessThanOrEqualTo(after.PerStepPeakBytes + 4 * 256));
    }

    [Test]
    public void ADifferentStepFallsBackToBestFitAndDropsThePlan()
    {
        using var arena = Arena(1 << 22, 1 << 20);
        for (int i = 0; i < 2; i++)
        {
            var a = arena.Allocate(1000, 1, false);
            arena.Free(a);
            arena.EndStep();
        }
        Assert.That(arena.Footprint().PlannedStepBytes, Is.GreaterThan(0));
        var b = arena.Allocate(3000, 1, false);
        var c = arena.Allocate(3000, 1, false);
        Assert.That(c.Offset, Is.Not.EqualTo(b.Offset));
        arena.Free(b);
        arena.Free(c);
        arena.EndStep();
        Assert.That(arena.Footprint().PlannedStepBytes, Is.EqualTo(0));
        Assert.That(arena.Footprint().PlannedSteps, Is.EqualTo(0));
    }

    [Test]
    public void ABufferKeptAcrossAStepIsNeverHandedOutTwice()
    {
        using var arena = Arena(1 << 22, 1 << 20);
        for (int i = 0; i < 2; i++)
        {
            var a = arena.Allocate(1000, 1, false);
            arena.Free(a);
            arena.EndStep();
        }
        var kept = arena.Allocate(1000, 1, false); // planned at offset 0
        arena.EndStep();                           // still live: the plan is dropped
        var next = arena.Allocate(1000, 1, false);
        Assert.That(next.Offset, Is.Not.EqualTo(kept.Offset));
        arena.Free(kept);
        arena.Free(next);
    }
}
