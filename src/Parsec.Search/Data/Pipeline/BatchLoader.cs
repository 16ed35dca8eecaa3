using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>How a <see cref="BatchLoader"/> reads its dataset.</summary>
/// <param name="Augmentation">Training augmentation, or null to only normalise (test and evaluation data).</param>
/// <param name="Prefetch">Finished batches allowed to wait ahead of the consumer.</param>
/// <param name="Workers">Threads preparing batches.</param>
internal sealed record BatchLoaderOptions(int BatchSize, bool Shuffle, bool DropLast, AugmentationOptions? Augmentation,
    int Prefetch = 3, int Workers = 1)
{
    public void Validate()
    {
        if (BatchSize < 1) throw new ArgumentException($"batch size must be >= 1, got {BatchSize}");
        if (Prefetch < 1) throw new ArgumentException($"prefetch must be >= 1 batch, got {Prefetch}");
        if (Workers < 1) throw new ArgumentException($"loader workers must be >= 1, got {Workers}");
        Augmentation?.Validate();
    }

    public static BatchLoaderOptions Training(int batchSize, AugmentationOptions augmentation) =>
        new(batchSize, Shuffle: true, DropLast: false, augmentation);

    public static BatchLoaderOptions Evaluation(int batchSize) => new(batchSize, Shuffle: false, DropLast: false, null);
}

/// <summary>
/// Serves a dataset epoch after epoch: each epoch draws its order and augmentation seeds from the loader's
/// generator and is prepared in the background. <see cref="PrepareNextEpoch"/> starts that work early (while
/// the test set is evaluated, say), so that not even an epoch's first batch keeps the step waiting. Saving
/// <see cref="RngState"/> between epochs and restoring it resumes the exact same sequence of batches.
/// </summary>
internal sealed class BatchLoader : IDisposable
{
    private BatchStream? _pending;
    private ulong[]? _stateBeforePending;
    private readonly BatchBufferPool _pool;
    private readonly Rng _rng;

    public BatchLoader(InMemoryDataset data, ChannelNormalization normalization, BatchLoaderOptions options, Rng rng)
    {
        options.Validate();
        if (normalization.Channels != data.Channels)
            throw new ArgumentException($"normalisation has {normalization.Channels} channels but dataset '{data.Name}' has {data.Channels}");
        Data = data;
        Normalization = normalization;
        Options = options;
        _rng = rng;
        _pool = new BatchBufferPool(options.BatchSize * data.Channels * data.Height * data.Width);
    }

    public InMemoryDataset Data { get; }
    public ChannelNormalization Normalization { get; }
    public BatchLoaderOptions Options { get; }

    /// <summary>Wait statistics summed over every epoch this loader served.</summary>
    public PipelineWaitStats TotalStats { get; } = new();

    /// <summary>
    /// The generator's state at the start of the next epoch not yet handed out by <see cref="StartEpoch"/>
    /// (an epoch prepared early does not count as drawn). Setting it drops an epoch prepared early.
    /// </summary>
    public ulong[] RngState
    {
        get => _stateBeforePending ?? _rng.State;
        set
        {
            DiscardPending();
            _rng.State = value;
        }
    }

    public int BatchesPerEpoch => Options.DropLast ? Data.Count / Options.BatchSize : (Data.Count + Options.BatchSize - 1) / Options.BatchSize;

    /// <summary>The next epoch's batches: the one prepared early if there is one, else a new one.</summary>
    public BatchStream StartEpoch()
    {
        if (_pending is { } prepared)
        {
            _pending = null;
            _stateBeforePending = null;
            return prepared;
        }
        return Create();
    }

    /// <summary>Starts preparing the next epoch now; the following <see cref="StartEpoch"/> returns it.</summary>
    public void PrepareNextEpoch()
    {
        if (_pending is not null) return;
        _stateBeforePending = _rng.State;
        _pending = Create();
    }

    public void Dispose() => DiscardPending();

    private BatchStream Create()
    {
        var schedule = BatchSchedule.Create(Data.Count, Options.BatchSize, Options.Shuffle, Options.DropLast, _rng);
        return new BatchStream(Data, schedule, Normalization, Options.Augmentation, Options.Prefetch, Options.Workers, _pool, TotalStats);
    }

    private void DiscardPending()
    {
        if (_pending is null) return;
        _pending.Dispose();
        _pending = null;
        _rng.State = _stateBeforePending!;
        _stateBeforePending = null;
    }
}
