namespace Parsec.Autodiff.Meta;

/// <summary>
/// A backend that holds no data: every allocation is counted in <see cref="Memory"/> by category, and ops do
/// nothing (their argument records already checked the lengths and element types their geometry implies). Running a
/// network's forward and backward on it yields, without computing anything, the weights, gradients and
/// per-step buffers a real backend would hold, so memory footprints can be reported for configurations
/// too large to run here. Reads of values (<c>CopyOut</c>) return zeros, reductions return 0 and
/// <see cref="AllFinite"/> returns true: code that branches on values sees a harmless constant.
/// </summary>
public sealed partial class MetaBackend : IBackend
{
    private readonly object _lock = new();
    private long _nextId;

    public string Name => "meta";
    public Precision Precision => Precision.Fp32;
    public BackendKind Kind => BackendKind.Meta;
    /// <summary>False: nothing needs it (footprints are planned one tape at a time), though allocation is locked.</summary>
    public bool SupportsConcurrentTapes => false;
    public MemoryStats Memory { get; } = new();

    public Storage Allocate(long length, DType dtype, BufferCategory category)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "a buffer length cannot be negative");
        lock (_lock)
        {
            Memory.OnAllocate(length * dtype.SizeInBytes(), category);
            return new MetaStorage(this, ++_nextId, length, dtype, category);
        }
    }

    internal void OnRelease(MetaStorage storage)
    {
        lock (_lock) Memory.OnRelease(storage.Bytes, storage.Category);
    }

    public void ResetStep()
    {
        lock (_lock) Memory.ResetStepPeak();
    }

    public void Synchronize() { }

    public void Dispose() { }

    // ---- copies -------------------------------------------------------------------------------

    public void CopyIn(Storage dst, ReadOnlySpan<float> src) => RequireTyped(nameof(CopyIn), dst, src.Length, DType.Float32);
    public void CopyIn(Storage dst, ReadOnlySpan<double> src) => RequireTyped(nameof(CopyIn), dst, src.Length, DType.Float64);
    public void CopyIn(Storage dst, ReadOnlySpan<int> src) => RequireTyped(nameof(CopyIn), dst, src.Length, DType.Int32);

    public void CopyOut(Storage src, Span<float> dst)
    {
        RequireTyped(nameof(CopyOut), src, dst.Length, DType.Float32);
        dst.Clear();
    }

    public void CopyOut(Storage src, Span<double> dst)
    {
        RequireTyped(nameof(CopyOut), src, dst.Length, DType.Float64);
        dst.Clear();
    }

    public void CopyOut(Storage src, Span<int> dst)
    {
        RequireTyped(nameof(CopyOut), src, dst.Length, DType.Int32);
        dst.Clear();
    }

    public void Copy(Storage src, Storage dst) => StorageChecks.SameTypeAndLength(nameof(Copy), Own(src), Own(dst));

    /// <summary>There are no values to set; the value is checked as the other backends check it.</summary>
    public void Fill(Storage y, double value)
    {
        if (Own(y).DType == DType.Int32) StorageChecks.Int32Fill(value);
    }

    // ---- checks shared by the ops -------------------------------------------------------------

    private static MetaStorage Own(Storage s)
    {
        var meta = s as MetaStorage ?? throw new ArgumentException($"{s.GetType().Name} of backend '{s.Backend.Name}' passed to the meta backend");
        if (meta.IsDisposed) throw new ObjectDisposedException(meta.ToString(), $"{meta} was used after it was disposed");
        return meta;
    }

    private static void RequireTyped(string op, Storage s, long length, DType dtype) => StorageChecks.Transfer(op, Own(s), length, dtype);

    private static void RequireFloats(string op, Storage s) => StorageChecks.Floats(op, Own(s));
}
