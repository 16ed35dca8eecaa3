namespace Parsec.Autodiff;

/// <summary>
/// Live byte counts per <see cref="BufferCategory"/>, their peak, and how many storages were allocated.
/// Backends update it on every allocation and release; the memory-footprint report reads it.
/// </summary>
public sealed class MemoryStats
{
    private readonly long[] _live = new long[Enum.GetValues<BufferCategory>().Length];
    private readonly long[] _peakByCategory = new long[Enum.GetValues<BufferCategory>().Length];

    public long LiveBytes { get; private set; }
    public long PeakBytes { get; private set; }
    /// <summary>Peak of the non-persistent (per-step) bytes since the last <see cref="ResetStepPeak"/>.</summary>
    public long StepPeakBytes { get; private set; }
    public long Allocations { get; private set; }

    public long Live(BufferCategory category) => _live[(int)category];
    /// <summary>The largest number of live bytes this category ever had.</summary>
    public long Peak(BufferCategory category) => _peakByCategory[(int)category];

    public long LivePerStepBytes => LiveBytes - Live(BufferCategory.Weights) - Live(BufferCategory.WeightGradients) - Live(BufferCategory.OptimizerState);

    public void OnAllocate(long bytes, BufferCategory category)
    {
        Allocations++;
        _live[(int)category] += bytes;
        _peakByCategory[(int)category] = Math.Max(_peakByCategory[(int)category], _live[(int)category]);
        LiveBytes += bytes;
        PeakBytes = Math.Max(PeakBytes, LiveBytes);
        StepPeakBytes = Math.Max(StepPeakBytes, LivePerStepBytes);
    }

    public void OnRelease(long bytes, BufferCategory category)
    {
        _live[(int)category] -= bytes;
        LiveBytes -= bytes;
    }

    public void ResetStepPeak() => StepPeakBytes = LivePerStepBytes;
}
