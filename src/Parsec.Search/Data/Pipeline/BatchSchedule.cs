using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// What one epoch reads, fixed before any batch is made: the order of the examples and one seed per batch
/// for its augmentation. Drawing everything up front from a single generator makes the epoch's content
/// independent of how many threads prepare it and in which order they finish.
/// </summary>
internal sealed class BatchSchedule
{
    private BatchSchedule(int[] order, int batchSize, ulong[] batchSeeds)
    {
        Order = order;
        BatchSize = batchSize;
        BatchSeeds = batchSeeds;
    }

    /// <summary>Example indices in reading order (only the first <see cref="ExampleCount"/> are read).</summary>
    public int[] Order { get; }
    public int BatchSize { get; }
    public ulong[] BatchSeeds { get; }
    public int BatchCount => BatchSeeds.Length;
    public int ExampleCount => Math.Min(Order.Length, BatchCount * BatchSize);

    /// <param name="shuffle">Random order (training) or the dataset's order (evaluation).</param>
    /// <param name="dropLast">Leave out a last, smaller batch (batch norm on a handful of examples is noisy).</param>
    /// <param name="rng">Advanced by the shuffle and the batch seeds; saving its state after this call resumes the next epoch exactly.</param>
    public static BatchSchedule Create(int examples, int batchSize, bool shuffle, bool dropLast, Rng rng)
    {
        if (examples <= 0) throw new ArgumentException($"cannot make batches from {examples} examples");
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        var order = new int[examples];
        for (int i = 0; i < examples; i++) order[i] = i;
        if (shuffle) rng.Shuffle(order);
        int batches = dropLast ? examples / batchSize : (examples + batchSize - 1) / batchSize;
        if (batches == 0)
            throw new BadInputException($"{examples} examples make no full batch of {batchSize}; lower the batch size or keep the last partial batch");
        var seeds = new ulong[batches];
        for (int b = 0; b < batches; b++) seeds[b] = rng.NextUInt64();
        return new BatchSchedule(order, batchSize, seeds);
    }

    /// <summary>The example indices of batch <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Examples(int index)
    {
        int start = index * BatchSize;
        return Order.AsSpan(start, Math.Min(BatchSize, Order.Length - start));
    }
}
