namespace Parsec.Autodiff.Cpu;

/// <summary>
/// Recycles released arrays by exact element type and length. A training step allocates the same set of
/// activation shapes every time; reusing their arrays keeps large-object-heap allocations (and the
/// full garbage collections they trigger) out of the steady state. Bounded so a run that visits many
/// different architectures cannot hoard memory.
/// </summary>
internal sealed class BufferPool(long capacityBytes)
{
    private readonly Dictionary<(DType, long), Stack<Array>> _free = [];
    private long _pooledBytes;

    public long PooledBytes => _pooledBytes;

    public Array? TryTake(DType dtype, long length)
    {
        if (!_free.TryGetValue((dtype, length), out var stack) || stack.Count == 0) return null;
        _pooledBytes -= length * dtype.SizeInBytes();
        return stack.Pop();
    }

    public void Return(DType dtype, Array data)
    {
        long bytes = data.LongLength * dtype.SizeInBytes();
        if (_pooledBytes + bytes > capacityBytes) return; // let the GC have it
        var key = (dtype, data.LongLength);
        if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Array>();
        stack.Push(data);
        _pooledBytes += bytes;
    }

    public void Clear()
    {
        _free.Clear();
        _pooledBytes = 0;
    }
}
