using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>Where a <see cref="BatchSampler"/> stands: saved in checkpoints so a resumed run reads the same batches.</summary>
/// <param name="Epoch">Epochs completed.</param>
/// <param name="Position">Batches already taken from the current epoch's order.</param>
/// <param name="Order">The current epoch's permutation of the item indices.</param>
/// <param name="RngState">The generator that draws the next epoch's permutation.</param>
internal sealed record BatchSamplerState(int Epoch, int Position, int[] Order, ulong[] RngState);

/// <summary>
/// The search's endless stream of shuffled batches over <c>count</c> items: each epoch is a
/// <see cref="BatchSchedule"/> (a fresh permutation from the sampler's own generator, cut into full batches, so batch
/// norm never sees a tiny batch), taken one batch at a time, with a state a checkpoint keeps.
/// </summary>
internal sealed class BatchSampler
{
    private readonly int _count;
    private readonly Rng _rng;
    private BatchSchedule _epoch;
    private int _position;

    public BatchSampler(int count, int batchSize, Rng rng)
    {
        _count = count;
        BatchSize = batchSize;
        _rng = rng;
        _epoch = NewEpoch();
    }

    public int BatchSize { get; }
    public int BatchesPerEpoch => _epoch.BatchCount;
    public int Epoch { get; private set; }

    /// <summary>The indices of the next batch; starts a new epoch (new permutation) when the current one is used up.</summary>
    public int[] Next()
    {
        if (_position == BatchesPerEpoch)
        {
            Epoch++;
            _position = 0;
            _epoch = NewEpoch();
        }
        return _epoch.Examples(_position++).ToArray();
    }

    public BatchSamplerState State
    {
        get => new(Epoch, _position, (int[])_epoch.Order.Clone(), _rng.State);
        set
        {
            if (value.Order.Length != _count || value.Position < 0 || value.Position > BatchesPerEpoch || value.Epoch < 0)
                throw new ArgumentException($"a sampler state for {value.Order.Length} items at batch {value.Position} does not fit {_count} items in batches of {BatchSize}");
            Epoch = value.Epoch;
            _position = value.Position;
            _epoch = BatchSchedule.FromOrder(value.Order, BatchSize);
            _rng.State = value.RngState;
        }
    }

    private BatchSchedule NewEpoch() => BatchSchedule.Create(_count, BatchSize, shuffle: true, dropLast: true, _rng, seeded: false);
}
