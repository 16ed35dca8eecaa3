namespace Parsec.Cuda.Memory;

/// <summary>A buffer to place: its size and the inclusive interval of logical time it is alive.</summary>
internal readonly record struct LiveInterval(long Bytes, int Start, int End)
{
    public bool Overlaps(LiveInterval other) => Start <= other.End && other.Start <= End;
}

/// <summary>
/// Assigns offsets so that buffers alive at the same time never overlap in memory while buffers with disjoint
/// lifetimes share it: greedy by size (largest first, the order that packs tightest in practice), each placed at
/// the lowest offset free of every already-placed buffer whose lifetime overlaps its own.
/// </summary>
internal static class LifetimePacker
{
    /// <summary>Offsets in the input's order and the total span they need. Sizes are rounded up to <paramref name="alignment"/>.</summary>
    public static (long[] Offsets, long TotalBytes) Pack(IReadOnlyList<LiveInterval> buffers, long alignment)
    {
        int n = buffers.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        // Largest first; ties by earlier start then index, so the result is deterministic.
        Array.Sort(order, (a, b) =>
        {
            int c = buffers[b].Bytes.CompareTo(buffers[a].Bytes);
            if (c != 0) return c;
            c = buffers[a].Start.CompareTo(buffers[b].Start);
            return c != 0 ? c : a.CompareTo(b);
        });

        var offsets = new long[n];
        var placed = new List<int>(n);
        var conflicts = new List<(long Offset, long End)>();
        long total = 0;
        foreach (int i in order)
        {
            long size = Round(buffers[i].Bytes, alignment);
            conflicts.Clear();
            foreach (int j in placed)
                if (buffers[j].Overlaps(buffers[i])) conflicts.Add((offsets[j], offsets[j] + Round(buffers[j].Bytes, alignment)));
            conflicts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            long candidate = 0;
            foreach (var (start, end) in conflicts)
            {
                if (candidate + size <= start) break;
                candidate = Math.Max(candidate, end);
            }
            offsets[i] = candidate;
            total = Math.Max(total, candidate + size);
            placed.Add(i);
        }
        return (offsets, total);
    }

    public static long Round(long bytes, long alignment) => (Math.Max(bytes, 1) + alignment - 1) / alignment * alignment;
}
