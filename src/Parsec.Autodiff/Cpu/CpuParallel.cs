namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Parallel loops sized for small tensors: work below a threshold runs inline (a Parallel.For costs
/// microseconds, as much as a small kernel), and reductions get a fixed partition into contiguous ranges
/// so that partial sums are combined in the same order on every run.
/// </summary>
internal static class CpuParallel
{
    /// <summary>Roughly the number of scalar operations worth one extra thread.</summary>
    private const long MinWorkPerThread = 16_384;

    public static int Workers => Environment.ProcessorCount;

    /// <summary>Runs body(i) for i in [0, count); in parallel when the total work is large enough.</summary>
    public static void For(int count, long workPerItem, Action<int> body)
    {
        if (count <= 1 || count * workPerItem < 2 * MinWorkPerThread || Workers == 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, body);
    }

    /// <summary>How many contiguous ranges to split count items into, given the work per item.</summary>
    public static int RangeCount(int count, long workPerItem)
    {
        long byWork = Math.Max(1, count * workPerItem / MinWorkPerThread);
        return (int)Math.Min(Math.Min(Workers, count), byWork);
    }

    /// <summary>The r-th of <paramref name="ranges"/> near-equal contiguous ranges of [0, count).</summary>
    public static (int Start, int End) Range(int count, int ranges, int r) =>
        ((int)((long)count * r / ranges), (int)((long)count * (r + 1) / ranges));

    /// <summary>Runs body(start, end) over a fixed partition of [0, count) into contiguous ranges.</summary>
    public static void ForRanges(int count, long workPerItem, Action<int, int, int> body)
    {
        int ranges = RangeCount(count, workPerItem);
        if (ranges <= 1)
        {
            body(0, 0, count);
            return;
        }
        Parallel.For(0, ranges, r =>
        {
            var (start, end) = Range(count, ranges, r);
            body(r, start, end);
        });
    }

    /// <summary>
    /// Runs body(start, end) over contiguous blocks of [0, count), several per worker so that a worker slowed by
    /// other processes leaves its share to the others; for loops whose blocks set up something worth reusing.
    /// </summary>
    public static void ForBlocks(int count, long workPerItem, Action<int, int> body)
    {
        int blocks = (int)Math.Min(Math.Min(4L * Workers, count), Math.Max(1, count * workPerItem / MinWorkPerThread));
        if (blocks <= 1 || Workers == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, blocks, r =>
        {
            var (start, end) = Range(count, blocks, r);
            body(start, end);
        });
    }

    /// <summary>Runs body(start, end) over chunks of a flat array of the given length (element-wise kernels).</summary>
    public static void ForChunks(long length, Action<int, int> body)
    {
        int ranges = (int)Math.Clamp(length / (4 * MinWorkPerThread), 1, Workers);
        if (ranges <= 1)
        {
            body(0, (int)length);
            return;
        }
        Parallel.For(0, ranges, r =>
        {
            var (start, end) = Range((int)length, ranges, r);
            body(start, end - start);
        });
    }
}
