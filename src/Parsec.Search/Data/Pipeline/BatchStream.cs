using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// The batches of one epoch, prepared by background threads ahead of the consumer. Worker w makes batches
/// w, w + W, w + 2W, ... in order into its own bounded queue, so reading batch i from queue i mod W yields
/// the batches in schedule order while at most <c>prefetch</c> finished batches wait in memory.
/// </summary>
internal sealed class BatchStream : IDisposable
{
    private readonly InMemoryDataset _data;
    private readonly BatchSchedule _schedule;
    private readonly ChannelNormalization _normalization;
    private readonly AugmentationOptions? _augmentation;
    private readonly BatchBufferPool _pool;
    private readonly BlockingCollection<Batch>[] _queues;
    private readonly Thread[] _workers;
    private readonly CancellationTokenSource _cancel = new();
    private readonly PipelineWaitStats? _total;
    private volatile Exception? _failure; // set by a worker before it completes its queue, read by the consumer after
    private int _next;

    internal BatchStream(InMemoryDataset data, BatchSchedule schedule, ChannelNormalization normalization,
        AugmentationOptions? augmentation, int prefetch, int workers, BatchBufferPool pool, PipelineWaitStats? total)
    {
        _total = total;
        _data = data;
        _schedule = schedule;
        _normalization = normalization;
        _augmentation = augmentation;
        _pool = pool;
        int threads = Math.Clamp(workers, 1, schedule.BatchCount);
        int perQueue = Math.Max(1, prefetch / threads);
        _queues = new BlockingCollection<Batch>[threads];
        _workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            _queues[w] = new BlockingCollection<Batch>(new ConcurrentQueue<Batch>(), perQueue);
            int worker = w;
            _workers[w] = new Thread(() => Produce(worker)) { IsBackground = true, Name = $"batches-{data.Name}-{w}" };
            _workers[w].Start();
        }
    }

    public int BatchCount => _schedule.BatchCount;
    public int ExampleCount => _schedule.ExampleCount;
    public PipelineWaitStats Stats { get; } = new();

    /// <summary>The next batch in schedule order, or false after the last. Rethrows a worker's failure.</summary>
    public bool TryNext([NotNullWhen(true)] out Batch? batch)
    {
        batch = null;
        if (_next >= BatchCount) return false;
        var queue = _queues[_next % _queues.Length];
        long waitTicks = 0;
        if (!queue.TryTake(out var ready))
        {
            long start = Stopwatch.GetTimestamp();
            bool got = queue.TryTake(out ready, Timeout.Infinite);
            waitTicks = Stopwatch.GetTimestamp() - start;
            if (!got || ready is null)
                throw new InvalidOperationException($"preparing batch {_next} of '{_data.Name}' failed: {_failure?.Message}", _failure);
        }
        batch = ready;
        Stats.OnDelivered(_next == 0, waitTicks);
        _total?.OnDelivered(_next == 0, waitTicks);
        _next++;
        return true;
    }

    private void Produce(int worker)
    {
        var queue = _queues[worker];
        try
        {
            for (int b = worker; b < BatchCount; b += _queues.Length)
                queue.Add(Make(b), _cancel.Token);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // The consumer stopped early (end of run, error elsewhere): nothing to report.
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            queue.CompleteAdding();
        }
    }

    private Batch Make(int index)
    {
        var examples = _schedule.Examples(index);
        int size = _data.ImageLength;
        var images = _pool.Rent(examples.Length * size);
        var labels = new int[examples.Length];
        var rng = _augmentation is null ? null : new Rng(_schedule.BatchSeeds[index]);
        for (int i = 0; i < examples.Length; i++)
        {
            int e = examples[i];
            labels[i] = _data.Label(e);
            var source = _data.Image(e);
            var destination = images.AsSpan(i * size, size);
            if (rng is null) ImageAugmenter.Normalize(source, destination, _data.Channels, _data.Height, _data.Width, _normalization);
            else ImageAugmenter.Augment(source, destination, _data.Channels, _data.Height, _data.Width, _normalization, _augmentation!, rng);
        }
        return new Batch(index, images, labels, _data.Channels, _data.Height, _data.Width, _pool);
    }

    public void Dispose()
    {
        _cancel.Cancel();
        foreach (var t in _workers) t.Join();
        foreach (var q in _queues)
        {
            while (q.TryTake(out var leftover)) leftover.Dispose();
            q.Dispose();
        }
        _cancel.Dispose();
    }
}
