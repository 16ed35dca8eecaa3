namespace Parsec.Autodiff.Cpu;

/// <summary>
/// A CPU buffer: a managed array of the storage's element type. Kernels reach the array through
/// <see cref="Array{T}"/>, which refuses a disposed buffer so that a use-after-free is an exception
/// naming the buffer rather than silently reading memory another tensor now owns (arrays are pooled).
/// </summary>
internal sealed class CpuStorage : Storage
{
    private readonly CpuBackend _owner;
    private Array? _data;

    internal CpuStorage(CpuBackend owner, long id, long length, DType dtype, BufferCategory category, Array data)
        : base(owner, length, dtype, category)
    {
        _owner = owner;
        Id = id;
        _data = data;
    }

    /// <summary>Allocation number on its backend, so messages can tell buffers apart.</summary>
    public long Id { get; }

    /// <summary>The elements, typed. T must match <see cref="Storage.DType"/> (float, double or int).</summary>
    public T[] Array<T>() where T : unmanaged =>
        Raw as T[] ?? throw new InvalidOperationException($"{Describe()} holds {DType}, not {typeof(T).Name}");

    /// <summary>The untyped array, for type-agnostic copies.</summary>
    internal Array Raw => _data ?? throw new ObjectDisposedException(Describe(), $"{Describe()} was used after it was disposed");

    /// <summary>The elements as a span of exactly <see cref="Storage.Length"/> items (pooled arrays can be longer).</summary>
    public Span<T> Span<T>() where T : unmanaged => Array<T>().AsSpan(0, (int)Length);

    public string Describe() => $"cpu buffer #{Id} ({DType}, {Length} elements, {Category})";

    public override string ToString() => Describe();

    protected override void Release()
    {
        var data = _data!;
        _data = null;
        _owner.OnRelease(this, data);
    }
}
