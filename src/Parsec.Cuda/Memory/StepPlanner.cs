namespace Parsec.Cuda.Memory;

/// <summary>
/// Plans the per-step region from buffer lifetimes. It records the sequence of per-step allocations of a step
/// (size, and the logical times of allocation and release). When a step repeats the previous step's sequence
/// exactly (the same architecture trained again), the recorded lifetimes are packed with
/// <see cref="LifetimePacker"/> and later steps place each allocation at its planned offset. The first allocation
/// that departs from the plan (another architecture) ends planned placement for the rest of that step; the arena
/// then uses best-fit, so a plan is an optimisation and never a requirement.
/// </summary>
internal sealed class StepPlanner
{
    private readonly List<long> _sizes = [];
    private readonly List<int> _starts = [];
    private readonly List<int> _ends = [];
    private int _clock;
    private int _liveInStep;
    private long[]? _previousSizes;
    private long[]? _planSizes;
    private long[]? _planOffsets;
    private bool _planBroken;

    public long Step { get; private set; }
    public bool HasPlan => _planOffsets is not null;
    public long PlannedBytes { get; private set; }
    /// <summary>Steps whose every allocation was placed by the plan.</summary>
    public long PlannedSteps { get; private set; }

    /// <summary>Registers allocation number <c>Count</c> of this step; returns the planned offset, or -1 when there is none.</summary>
    public long OnAllocate(long bytes, out int sequence)
    {
        sequence = _sizes.Count;
        _sizes.Add(bytes);
        _starts.Add(_clock++);
        _ends.Add(-1);
        _liveInStep++;
        if (_planOffsets is null || _planBroken) return -1;
        if (sequence >= _planSizes!.Length || _planSizes[sequence] != bytes)
        {
            _planBroken = true;
            return -1;
        }
        return _planOffsets[sequence];
    }

    /// <summary>The planned offset was not free (memory still held from an earlier step): plan abandoned for this step.</summary>
    public void OnPlanMiss() => _planBroken = true;

    public void OnFree(long step, int sequence)
    {
        if (step != Step) return; // a block carried over from an earlier step: not part of this step's lifetimes
        _ends[sequence] = _clock++;
        _liveInStep--;
    }

    /// <summary>Closes the step; builds or keeps a plan when the step's sequence is worth replaying.</summary>
    public void EndStep(long capacity, long alignment)
    {
        bool complete = _liveInStep == 0;
        bool followedPlan = _planOffsets is not null && !_planBroken && _sizes.Count == _planSizes!.Length;
        if (followedPlan && complete) PlannedSteps++;
        var sizes = _sizes.ToArray();
        if (!complete)
        {
            // Buffers outlive the step: their memory is not free next step, so no layout can be trusted.
            DropPlan();
            _previousSizes = null;
        }
        else if (!followedPlan)
        {
            DropPlan();
            if (_previousSizes is not null && sizes.AsSpan().SequenceEqual(_previousSizes))
            {
                var intervals = new LiveInterval[sizes.Length];
                for (int i = 0; i < sizes.Length; i++) intervals[i] = new LiveInterval(sizes[i], _starts[i], _ends[i]);
                var (offsets, total) = LifetimePacker.Pack(intervals, alignment);
                if (total <= capacity)
                {
                    _planSizes = sizes;
                    _planOffsets = offsets;
                    PlannedBytes = total;
                }
            }
            _previousSizes = sizes;
        }
        _sizes.Clear();
        _starts.Clear();
        _ends.Clear();
        _clock = 0;
        _liveInStep = 0;
        _planBroken = false;
        Step++;
    }

    private void DropPlan()
    {
        _planSizes = null;
        _planOffsets = null;
        PlannedBytes = 0;
    }
}
