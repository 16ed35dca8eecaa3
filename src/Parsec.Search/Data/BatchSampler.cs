using Parsec.Autodiff;

namespace Parsec.Search.Data;

/// <summary>Where a <see cref="BatchSampler"/> stands: saved in checkpoints so a resumed run reads the same batches.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Position">Batches already taken from the current epoch's order.</param>
/// <param name="Order">The current epoch's permutation of the item indices.</param>
/// <param name="RngState">The generator that draws the next epoch's permutation.</param>
internal sealed record BatchSamplerState(int Epoch, int Position, int[] Order, ulong[] RngState);

/// <summary>
/// Deterministic shuffled batches over <c>count</c> items: each epoch is a fresh permutation drawn from the
/// sampler's own generator, cut into full batches (an incomplete last batch is dropped, so every batch has
/// the same size and batch norm never sees a tiny batch).
/// </summary>
internal sealed class BatchSampler
{
    private readonly int _count;
    private readonly Rng _rng;
    private int[] _order;
    private int _position;

    public BatchSampler(int count, int batchSize, Rng rng)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batch size must be >= 1");
        if (count < batchSize)
            throw new BadInputException($"{count} items cannot fill one batch of {batchSize}; lower the batch size or use more data");
        _count = count;
        BatchSize = batchSize;
        _rng = rng;
        _order = NewOrder();
    }

    public int BatchSize { get; }
    public int BatchesPerEpoch => _count / BatchSize;
    public int Epoch { get; private set; }

    /// <summary>The indices of the next batch; starts a new epoch (new permutation) when the current one is used up.</summary>
    public int[] Next()
    {
        if (_position == BatchesPerEpoch)
        {
            Epoch++;
            _position = 0;
            _order = NewOrder();
        }
        var batch = _order.AsSpan(_position * BatchSize, BatchSize).ToArray();
        _position++;
        return batch;
    }

    public BatchSamplerState State
    {
        get => new(Epoch, _position, (int[])_order.Clone(), _rng.State);
        set
        {
            if (value.Order.Length != _count || value.Position < 0 || value.Position > BatchesPerEpoch || value.Epoch < 0)
                throw new ArgumentException($"a sampler state for {value.Order.Length} items at batch {value.Position} does not fit {_count} items in batches of {BatchSize}");
            Epoch = value.Epoch;
            _position = value.Position;
            _order = (int[])value.Order.Clone();
            _rng.State = value.RngState;
        }
    }

    private int[] NewOrder()
    {
        var order = Enumerable.Range(0, _count).ToArray();
        _rng.Shuffle(order);
        return order;
    }
}
