namespace Parsec.Cuda.Memory;

/// <summary>
/// Device memory taken once and carved by offset, so a search in steady state makes no driver allocations.
/// Two regions: persistent (weights, their gradients, optimizer state: best-fit, live for the run) and per-step
/// (activations, saved tensors, activation gradients, workspaces: placed by a lifetime plan when the step repeats
/// a recorded allocation sequence, best-fit otherwise; everything is returned by the end of a step).
/// Categories are the caller's numbers; <see cref="ArenaOptions.CategoryNames"/> names them in the report.
/// Not thread-safe: one arena serves one stream's work.
/// </summary>
internal sealed class DeviceArena : IDisposable
{
    private readonly DeviceBuffer _memory;
    private readonly ArenaOptions _options;
    private readonly RangeAllocator _persistent;
    private readonly RangeAllocator _perStep;
    private readonly ulong _perStepBase;
    private readonly StepPlanner _planner = new();
    private readonly long[] _live;
    private readonly long[] _peak;
    private readonly bool[] _categoryPersistent;
    private long _perStepPeak;
    private long _currentStepPeak;

    /// <summary>Manages <paramref name="memory"/> (disposed with the arena when it owns its memory).</summary>
    public DeviceArena(DeviceBuffer memory, ArenaOptions options)
    {
        options.Validate();
        _memory = memory;
        _options = options;
        long alignment = options.Alignment;
        long persistent = options.PersistentBytes ?? (long)(memory.Bytes * options.PersistentFraction);
        persistent = Math.Min(persistent / alignment * alignment, memory.Bytes);
        if (memory.Pointer % (ulong)alignment != 0)
            throw new ArgumentException($"arena memory at 0x{memory.Pointer:x} is not aligned to {alignment} bytes");
        _persistent = new RangeAllocator(persistent, alignment);
        _perStep = new RangeAllocator(memory.Bytes - persistent, alignment);
        _perStepBase = memory.Pointer + (ulong)persistent;
        int categories = options.CategoryNames.Count;
        _live = new long[categories];
        _peak = new long[categories];
        _categoryPersistent = new bool[categories];
    }

    /// <summary>Takes the arena's memory from the device: <see cref="ArenaOptions.TotalBytes"/> or a fraction of the free memory.</summary>
    public static DeviceArena Create(CudaDevice device, ArenaOptions options)
    {
        options.Validate();
        long bytes = options.TotalBytes ?? (long)(device.MemoryInfo().Free * options.FractionOfFreeMemory);
        bytes = bytes / options.Alignment * options.Alignment;
        return new DeviceArena(DeviceBuffer.Allocate(device, bytes), options);
    }

    public long CapacityBytes => _memory.Bytes;
    public long PersistentCapacityBytes => _persistent.Capacity;
    public long PerStepCapacityBytes => _perStep.Capacity;
    public long Alignment => _options.Alignment;

    public ArenaBlock Allocate(long bytes, int category, bool persistent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if ((uint)category >= (uint)_live.Length)
            throw new ArgumentOutOfRangeException(nameof(category), category, $"the arena knows {_live.Length} categories");
        ObjectDisposedException.ThrowIf(_memory.Pointer == 0, this);
        ArenaBlock block = persistent ? AllocatePersistent(bytes, category) : AllocatePerStep(bytes, category);
        _live[category] += block.RoundedBytes;
        _peak[category] = Math.Max(_peak[category], _live[category]);
        _categoryPersistent[category] = persistent;
        if (!persistent)
        {
            _perStepPeak = Math.Max(_perStepPeak, _perStep.UsedBytes);
            _currentStepPeak = Math.Max(_currentStepPeak, _perStep.UsedBytes);
        }
        return block;
    }

    public void Free(ArenaBlock block)
    {
        if (block.Persistent) _persistent.Free(block.Offset, block.Bytes);
        else
        {
            _perStep.Free(block.Offset, block.Bytes);
            _planner.OnFree(block.Step, block.Sequence);
        }
        _live[block.Category] -= block.RoundedBytes;
    }

    /// <summary>Ends a step: the per-step sequence just recorded may become the plan for the next steps.</summary>
    public void EndStep()
    {
        _planner.EndStep(_perStep.Capacity, _options.Alignment);
        _currentStepPeak = _perStep.UsedBytes;
    }

    /// <summary>Bytes of the per-step region a step with these buffer lifetimes needs when planned (alignment included).</summary>
    public long PlannedBytes(IReadOnlyList<LiveInterval> lifetimes) => LifetimePacker.Pack(lifetimes, _options.Alignment).TotalBytes;

    public ArenaFootprint Footprint()
    {
        var categories = new List<CategoryBytes>();
        for (int c = 0; c < _live.Length; c++)
            categories.Add(new CategoryBytes(_options.CategoryNames[c], _categoryPersistent[c], _live[c], _peak[c]));
        return new ArenaFootprint(
            CapacityBytes, _persistent.Capacity, _perStep.Capacity, _persistent.UsedBytes, _perStep.UsedBytes,
            _persistent.HighWaterMark, _perStep.HighWaterMark, _perStepPeak, _currentStepPeak, _perStep.LargestFreeRange(),
            _planner.PlannedBytes, _planner.PlannedSteps, _planner.Step, DeviceMemoryCounters.DeviceAllocations, categories);
    }

    /// <summary>The largest single per-step block that could be taken now (for sizing workspaces).</summary>
    public long LargestFreePerStepBytes => _perStep.LargestFreeRange();

    private ArenaBlock AllocatePersistent(long bytes, int category)
    {
        long offset = _persistent.AllocateBestFit(bytes);
        if (offset < 0) throw OutOfMemory(bytes, category, "persistent", _persistent);
        return new ArenaBlock(_memory.Pointer + (ulong)offset, offset, bytes, _persistent.Round(bytes), true, category, -1, -1);
    }

    private ArenaBlock AllocatePerStep(long bytes, int category)
    {
        long planned = _planner.OnAllocate(bytes, out int sequence);
        long offset = -1;
        if (planned >= 0)
        {
            if (_perStep.TryAllocateAt(planned, bytes)) offset = planned;
            else _planner.OnPlanMiss();
        }
        if (offset < 0) offset = _perStep.AllocateBestFit(bytes);
        if (offset < 0)
        {
            _planner.OnFree(_planner.Step, sequence);
            throw OutOfMemory(bytes, category, "per-step", _perStep);
        }
        return new ArenaBlock(_perStepBase + (ulong)offset, offset, bytes, _perStep.Round(bytes), false, category, _planner.Step, sequence);
    }

    private ArenaOutOfMemoryException OutOfMemory(long bytes, int category, string region, RangeAllocator allocator) =>
        new($"device arena: no room for {bytes} bytes of {_options.CategoryNames[category]} in the {region} region " +
            $"({allocator.UsedBytes} of {allocator.Capacity} bytes used, largest free range {allocator.LargestFreeRange()} bytes in {allocator.FreeRangeCount} ranges). " +
            "Give the arena more memory (ArenaOptions.TotalBytes / FractionOfFreeMemory), move the split (PersistentBytes / PersistentFraction), or lower the batch size.",
            Footprint());

    public void Dispose() => _memory.Dispose();
}
