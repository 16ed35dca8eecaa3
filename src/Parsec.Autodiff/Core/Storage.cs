namespace Parsec.Autodiff;

/// <summary>
/// A flat, contiguous buffer owned by a backend. Tensors view a whole storage (no strides, no offsets):
/// every op writes a fresh contiguous output, which keeps kernels and lifetime planning simple.
/// </summary>
public abstract class Storage : IDisposable
{
    protected Storage(IBackend backend, long length, DType dtype, BufferCategory category)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "a buffer length cannot be negative");
        Backend = backend;
        Length = length;
        DType = dtype;
        Category = category;
    }

    public IBackend Backend { get; }
    public long Length { get; }
    public DType DType { get; }
    public BufferCategory Category { get; }
    public long Bytes => Length * DType.SizeInBytes();
    public bool IsDisposed { get; private set; }

    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns the memory to the backend (arena, pool or GC).</summary>
    protected abstract void Release();
}
