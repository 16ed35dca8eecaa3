using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>How a <see cref="BatchLoader"/> reads its dataset.</summary>
/// <param name="Augmentation">Training augmentation, or null to only normalise (test and evaluation data).</param>
/// <param name="Prefetch">Finished batches allowed to wait ahead of the consumer.</param>
/// <param name="Workers">Threads preparing batches.</param>
public sealed record BatchLoaderOptions(int BatchSize, bool Shuffle, bool DropLast, AugmentationOptions? Augmentation,
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
/// Serves a dataset epoch after epoch: each <see cref="StartEpoch"/> draws the epoch's order and
/// augmentation seeds from the loader's generator and starts background preparation. Saving
/// <see cref="RngState"/> between epochs and restoring it resumes the exact same sequence of batches.
/// </summary>
public sealed class BatchLoader
{
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

    public ulong[] RngState
    {
        get => _rng.State;
        set => _rng.State = value;
    }

    public int BatchesPerEpoch => Options.DropLast ? Data.Count / Options.BatchSize : (Data.Count + Options.BatchSize - 1) / Options.BatchSize;

    public BatchStream StartEpoch()
    {
        var schedule = BatchSchedule.Create(Data.Count, Options.BatchSize, Options.Shuffle, Options.DropLast, _rng);
        return new BatchStream(Data, schedule, Normalization, Options.Augmentation, Options.Prefetch, Options.Workers, _pool, TotalStats);
    }
}
