using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// What one epoch reads, fixed before any batch is made: the order of the examples and, for augmentation, one
/// seed per batch. Drawing everything up front from a single generator makes the epoch's content independent of
/// how many threads prepare it and in which order they finish. Training (through <see cref="BatchStream"/>) and the
/// search (through <see cref="BatchSampler"/>) both cut their epochs here.
/// </summary>
internal sealed class BatchSchedule
{
    private BatchSchedule(int[] order, int batchSize, int batchCount, ulong[] batchSeeds)
    {
        Order = order;
        BatchSize = batchSize;
        BatchCount = batchCount;
        BatchSeeds = batchSeeds;
    }

    /// <summary>Example indices in reading order (only the first <see cref="ExampleCount"/> are read).</summary>
    public int[] Order { get; }
    public int BatchSize { get; }
    /// <summary>One augmentation seed per batch; empty for a schedule made without (<c>seeded: false</c>).</summary>
    public ulong[] BatchSeeds { get; }
    public int BatchCount { get; }
    public int ExampleCount => Math.Min(Order.Length, BatchCount * BatchSize);

    /// <param name="shuffle">Random order (training) or the dataset's order (evaluation).</param>
    /// <param name="dropLast">Leave out a last, smaller batch (batch norm on a handful of examples is noisy).</param>
    /// <param name="rng">Advanced by the shuffle and the batch seeds; saving its state after this call resumes the next epoch exactly.</param>
    /// <param name="seeded">Draw a seed per batch for augmentation; the search, which does not augment, draws only the order.</param>
    public static BatchSchedule Create(int examples, int batchSize, bool shuffle, bool dropLast, Rng rng, bool seeded = true)
    {
        int batches = Batches(examples, batchSize, dropLast);
        var order = new int[examples];
        for (int i = 0; i < examples; i++) order[i] = i;
        if (shuffle) rng.Shuffle(order);
        var seeds = new ulong[seeded ? batches : 0];
        for (int b = 0; b < seeds.Length; b++) seeds[b] = rng.NextUInt64();
        return new BatchSchedule(order, batchSize, batches, seeds);
    }

    /// <summary>The unseeded schedule that reads <paramref name="order"/> (one saved in a checkpoint) in full batches.</summary>
    public static BatchSchedule FromOrder(int[] order, int batchSize) =>
        new((int[])order.Clone(), batchSize, Batches(order.Length, batchSize, dropLast: true), []);

    private static int Batches(int examples, int batchSize, bool dropLast)
    {
        if (examples <= 0) throw new ArgumentException($"cannot make batches from {examples} examples");
        if (batchSize <= 0) throw new ArgumentException($"batch size must be positive, got {batchSize}");
        int batches = dropLast ? examples / batchSize : (examples + batchSize - 1) / batchSize;
        if (batches == 0)
            throw new BadInputException($"{examples} examples make no full batch of {batchSize}; lower the batch size or use more data");
        return batches;
    }

    /// <summary>The example indices of batch <paramref name="index"/>.</summary>
    public ReadOnlySpan<int> Examples(int index)
    {
        int start = index * BatchSize;
        return Order.AsSpan(start, Math.Min(BatchSize, Order.Length - start));
    }
}
