namespace Parsec.Autodiff;

/// <summary>
/// The lifetimes of every per-step buffer of one recorded step (activations, saved tensors, activation
/// gradients), derived from the tape's structure alone. The CUDA arena places buffers with it, the
/// memory report sums it, and <see cref="Tape.Backward"/> frees buffers at their end.
/// </summary>
public sealed class LifetimePlan
{
    public LifetimePlan(IReadOnlyList<BufferLifetime> buffers, int timeSteps)
    {
        Buffers = buffers;
        TimeSteps = timeSteps;
    }

    public IReadOnlyList<BufferLifetime> Buffers { get; }
    public int TimeSteps { get; }

    /// <summary>Largest total of bytes alive at one time: the least memory the step can run in.</summary>
    public long PeakBytes()
    {
        if (TimeSteps == 0) return 0;
        var delta = new long[TimeSteps + 1];
        foreach (var b in Buffers)
        {
            delta[b.Start] += b.Bytes;
            delta[b.End + 1] -= b.Bytes;
        }
        long live = 0, peak = 0;
        for (int t = 0; t < TimeSteps; t++)
        {
            live += delta[t];
            peak = Math.Max(peak, live);
        }
        return peak;
    }

    /// <summary>Bytes per category at the moment of the peak.</summary>
    public Dictionary<BufferCategory, long> BytesAtPeakByCategory()
    {
        var delta = new long[TimeSteps + 1];
        foreach (var b in Buffers) { delta[b.Start] += b.Bytes; delta[b.End + 1] -= b.Bytes; }
        long live = 0, peak = -1; int peakTime = 0;
        for (int t = 0; t < TimeSteps; t++)
        {
            live += delta[t];
            if (live > peak) { peak = live; peakTime = t; }
        }
        var result = new Dictionary<BufferCategory, long>();
        foreach (var b in Buffers)
            if (b.Start <= peakTime && peakTime <= b.End)
                result[b.Category] = result.GetValueOrDefault(b.Category) + b.Bytes;
        return result;
    }

    /// <summary>For each backward time, the tensors whose lifetime ends there.</summary>
    internal Dictionary<int, List<int>> EndsByTime()
    {
        var result = new Dictionary<int, List<int>>();
        foreach (var b in Buffers)
        {
            if (!result.TryGetValue(b.End, out var list)) result[b.End] = list = [];
            list.Add(b.TensorId);
        }
        return result;
    }
}
