using System.Diagnostics;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// How long the consumer (the training step) stood waiting for a batch. The first batch of an epoch is
/// counted apart: the workers cannot start it before the epoch is requested, so its wait says little about
/// whether the pipeline keeps up. A steady-state wait means preparing batches is slower than the step.
/// </summary>
public sealed class PipelineWaitStats
{
    public long Batches { get; private set; }
    /// <summary>Batches after the first of an epoch that were not ready when asked for.</summary>
    public long Waits { get; private set; }
    public TimeSpan WaitTime { get; private set; }
    public TimeSpan LongestWait { get; private set; }
    /// <summary>Time spent waiting for first batches of epochs.</summary>
    public TimeSpan FirstBatchWaitTime { get; private set; }

    public double TotalWaitMilliseconds => (WaitTime + FirstBatchWaitTime).TotalMilliseconds;

    internal void OnDelivered(bool firstOfEpoch, long waitTicks)
    {
        Batches++;
        if (waitTicks <= 0) return;
        var wait = Stopwatch.GetElapsedTime(0, waitTicks);
        if (firstOfEpoch)
        {
            FirstBatchWaitTime += wait;
            return;
        }
        Waits++;
        WaitTime += wait;
        if (wait > LongestWait) LongestWait = wait;
    }

    public void Add(PipelineWaitStats other)
    {
        Batches += other.Batches;
        Waits += other.Waits;
        WaitTime += other.WaitTime;
        FirstBatchWaitTime += other.FirstBatchWaitTime;
        if (other.LongestWait > LongestWait) LongestWait = other.LongestWait;
    }

    public override string ToString() =>
        $"{Batches} batches; the step waited {Waits} times after an epoch's first batch ({WaitTime.TotalMilliseconds:0.0} ms, longest {LongestWait.TotalMilliseconds:0.0} ms) " +
        $"and {FirstBatchWaitTime.TotalMilliseconds:0.0} ms for first batches";
}
