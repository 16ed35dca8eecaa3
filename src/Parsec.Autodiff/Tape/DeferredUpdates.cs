namespace Parsec.Autodiff;

/// <summary>
/// What one tape's passes would otherwise write into state that several tapes share: the gradients of the
/// parameters it used and the batch-norm running statistics it updated. With <see cref="Tape.Deferred"/> set,
/// a tape writes these here instead, so that several tapes can run the same network at once (each reads the
/// shared weights, none writes them) and the caller can combine every tape's contribution in an order of its
/// choosing, which makes the result independent of which tape finished first.
/// <para>
/// Gradients get a buffer per parameter actually used (allocated at its first contribution, never a copy of
/// the whole parameter set). Running statistics are recorded as batch statistics (<see cref="Statistics"/>),
/// for the caller to fold in: r = (1 - momentum) r + momentum * stat, one record after another.
/// </para>
/// Not thread-safe: one tape (one thread) fills it; read and dispose it after that tape is done.
/// </summary>
public sealed class DeferredUpdates(IBackend backend) : IDisposable
{
    private readonly Dictionary<Tensor, Tensor> _gradients = new(ReferenceEqualityComparer.Instance);
    private readonly List<Tensor> _parametersInOrder = [];
    private readonly List<BatchStatistics> _statistics = [];
    private bool _disposed;

    /// <summary>The parameters this tape contributed gradients to, in the order of their first contribution.</summary>
    public IReadOnlyList<Tensor> Parameters => _parametersInOrder;

    /// <summary>The running-statistics updates this tape's passes made, in the order they ran.</summary>
    public IReadOnlyList<BatchStatistics> Statistics => _statistics;

    /// <summary>This tape's gradient of <paramref name="parameter"/>, or null when it did not use it.</summary>
    public Tensor? GradientOf(Tensor parameter) => _gradients.GetValueOrDefault(parameter);

    /// <summary>
    /// The buffer that receives this tape's gradient of a parameter: a fresh one, to be overwritten, at the first
    /// contribution (<paramref name="accumulate"/> false), the same one, accumulated into, afterwards.
    /// </summary>
    internal Storage GradientBuffer(Tensor parameter, out bool accumulate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_gradients.TryGetValue(parameter, out var existing))
        {
            accumulate = true;
            return existing.Storage;
        }
        // Weight-gradient category: the buffer outlives the tape's reset (it is read by the reduction after the step).
        var g = Tensor.Empty(backend, parameter.Shape, parameter.DType, BufferCategory.WeightGradients, $"{parameter.Name}.grad");
        _gradients.Add(parameter, g);
        _parametersInOrder.Add(parameter);
        accumulate = false;
        return g.Storage;
    }

    /// <summary>
    /// Buffers that receive one training-mode batch norm's batch statistics in place of the shared running
    /// statistics. They start at zero and the norm runs with momentum 1, so that r = (1 - 1) r + 1 * stat leaves
    /// exactly the batch mean and the unbiased batch variance in them, on every backend.
    /// </summary>
    internal (Storage Mean, Storage Variance) StatisticsBuffers(Tensor runningMean, Tensor runningVariance, double momentum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var mean = Tensor.Zeros(backend, runningMean.Shape, runningMean.DType, BufferCategory.Weights, $"{runningMean.Name}.batch");
        var variance = Tensor.Zeros(backend, runningVariance.Shape, runningVariance.DType, BufferCategory.Weights, $"{runningVariance.Name}.batch");
        _statistics.Add(new BatchStatistics(runningMean, mean, momentum));
        _statistics.Add(new BatchStatistics(runningVariance, variance, momentum));
        return (mean.Storage, variance.Storage);
    }

    /// <summary>
    /// Records a gradient of <paramref name="parameter"/> computed elsewhere (another process's tape), as if this tape's
    /// backward pass had written it: a distributed search rebuilds every sample's updates on every rank this way, so the
    /// reduction that follows is the one a single process runs. Parameters are imported in the order the other tape
    /// first contributed to them.
    /// </summary>
    public void ImportGradient(Tensor parameter, ReadOnlySpan<float> values)
    {
        var buffer = GradientBuffer(parameter, out bool accumulate);
        if (accumulate) throw new InvalidOperationException($"{parameter.Name}: a gradient is imported once");
        if (values.Length != parameter.Length) throw new ArgumentException($"{parameter.Name}: {values.Length} gradient values for {parameter.Length} elements");
        backend.CopyIn(buffer, values);
    }

    /// <summary>Records a batch statistic computed elsewhere, as <see cref="StatisticsBuffers"/> would have left it.</summary>
    public void ImportStatistic(Tensor running, ReadOnlySpan<float> batch, double momentum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (batch.Length != running.Length) throw new ArgumentException($"{running.Name}: {batch.Length} batch values for {running.Length} elements");
        var stored = Tensor.Empty(backend, running.Shape, running.DType, BufferCategory.Weights, $"{running.Name}.batch");
        backend.CopyIn(stored.Storage, batch);
        _statistics.Add(new BatchStatistics(running, stored, momentum));
    }

    /// <summary>Frees every buffer.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var g in _gradients.Values) g.Dispose();
        foreach (var s in _statistics) s.Batch.Dispose();
        _gradients.Clear();
        _parametersInOrder.Clear();
        _statistics.Clear();
    }
}

/// <summary>One running statistic (a batch norm's mean or variance buffer) and the batch value a pass gave it, to be folded in as r = (1 - Momentum) r + Momentum * Batch.</summary>
public readonly record struct BatchStatistics(Tensor Running, Tensor Batch, double Momentum);
