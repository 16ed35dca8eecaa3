namespace Parsec.Cuda.Memory;

/// <summary>
/// Hands out byte ranges of a fixed span [0, capacity): best-fit from a free list kept sorted by offset, with
/// neighbours merged on free so fragmentation does not accumulate. Placement at a given offset is also
/// supported, for the planned per-step layout. Pure bookkeeping: no device memory is touched, so it is tested
/// without a GPU. Sizes are rounded up to <see cref="Alignment"/>.
/// </summary>
internal sealed class RangeAllocator
{
    private readonly List<(long Offset, long Size)> _free = [];

    public RangeAllocator(long capacity, long alignment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentException($"alignment must be a power of two, got {alignment}", nameof(alignment));
        Capacity = capacity / alignment * alignment;
        Alignment = alignment;
        if (Capacity > 0) _free.Add((0, Capacity));
    }

    public long Capacity { get; }
    public long Alignment { get; }
    /// <summary>Bytes currently handed out (after rounding).</summary>
    public long UsedBytes { get; private set; }
    /// <summary>The highest end offset ever handed out: how much of the span was really needed.</summary>
    public long HighWaterMark { get; private set; }
    public int FreeRangeCount => _free.Count;

    public long Round(long bytes) => (Math.Max(bytes, 1) + Alignment - 1) / Alignment * Alignment;

    public long LargestFreeRange()
    {
        long largest = 0;
        foreach (var r in _free) largest = Math.Max(largest, r.Size);
        return largest;
    }

    /// <summary>The offset of the smallest free range that fits (its start), or -1 when none does.</summary>
    public long AllocateBestFit(long bytes)
    {
        long size = Round(bytes);
        int best = -1;
        for (int i = 0; i < _free.Count; i++)
        {
            long s = _free[i].Size;
            if (s >= size && (best < 0 || s < _free[best].Size))
            {
                best = i;
                if (s == size) break;
            }
        }
        if (best < 0) return -1;
        long offset = _free[best].Offset;
        Carve(best, offset, size);
        return offset;
    }

    /// <summary>Takes exactly [offset, offset + bytes) when it is entirely free; false otherwise.</summary>
    public bool TryAllocateAt(long offset, long bytes)
    {
        long size = Round(bytes);
        if (offset < 0 || offset % Alignment != 0) return false;
        int i = IndexOfRangeContaining(offset);
        if (i < 0 || _free[i].Offset + _free[i].Size < offset + size) return false;
        Carve(i, offset, size);
        return true;
    }

    public void Free(long offset, long bytes)
    {
        long size = Round(bytes);
        if (offset < 0 || offset + size > Capacity)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range [{offset}, {offset + size}) is outside the arena of {Capacity} bytes");
        int at = 0;
        while (at < _free.Count && _free[at].Offset < offset) at++;
        bool overlapsPrevious = at > 0 && _free[at - 1].Offset + _free[at - 1].Size > offset;
        bool overlapsNext = at < _free.Count && offset + size > _free[at].Offset;
        if (overlapsPrevious || overlapsNext)
            throw new InvalidOperationException($"range [{offset}, {offset + size}) is freed twice or was never allocated");
        _free.Insert(at, (offset, size));
        UsedBytes -= size;
        // Merge with the following and the preceding neighbour when they touch.
        if (at + 1 < _free.Count && _free[at].Offset + _free[at].Size == _free[at + 1].Offset)
        {
            _free[at] = (_free[at].Offset, _free[at].Size + _free[at + 1].Size);
            _free.RemoveAt(at + 1);
        }
        if (at > 0 && _free[at - 1].Offset + _free[at - 1].Size == _free[at].Offset)
        {
            _free[at - 1] = (_free[at - 1].Offset, _free[at - 1].Size + _free[at].Size);
            _free.RemoveAt(at);
        }
    }

    private int IndexOfRangeContaining(long offset)
    {
        for (int i = 0; i < _free.Count; i++)
        {
            var r = _free[i];
            if (r.Offset <= offset && offset < r.Offset + r.Size) return i;
            if (r.Offset > offset) break;
        }
        return -1;
    }

    // Removes [offset, offset + size) from free range i, leaving up to two remainders.
    private void Carve(int i, long offset, long size)
    {
        var r = _free[i];
        long before = offset - r.Offset;
        long after = r.Offset + r.Size - (offset + size);
        _free.RemoveAt(i);
        if (after > 0) _free.Insert(i, (offset + size, after));
        if (before > 0) _free.Insert(i, (r.Offset, before));
        UsedBytes += size;
        HighWaterMark = Math.Max(HighWaterMark, offset + size);
    }
}
