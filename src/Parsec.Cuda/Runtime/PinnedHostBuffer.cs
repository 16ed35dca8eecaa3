using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>
/// Page-locked host memory (cuMemAllocHost): the copy engine reads and writes it directly, so asynchronous copies
/// really are asynchronous and small readbacks avoid a staging copy.
/// </summary>
internal sealed unsafe class PinnedHostBuffer : IDisposable
{
    private readonly CudaDevice _device;

    public PinnedHostBuffer(CudaDevice device, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        _device = device;
        device.MakeCurrent();
        void* p = null;
        Check.Cuda(Driver.cuMemAllocHost_v2(&p, (nuint)bytes));
        DeviceMemoryCounters.OnHostAlloc();
        Pointer = p;
        Bytes = bytes;
    }

    public void* Pointer { get; private set; }
    public long Bytes { get; }

    /// <summary>The buffer as elements of <typeparamref name="T"/> (valid until Dispose).</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(Pointer == null, this);
        return new Span<T>(Pointer, checked((int)(Bytes / sizeof(T))));
    }

    public void Dispose()
    {
        if (Pointer == null) return;
        nint p = (nint)Pointer;
        Pointer = null;
        HandleRelease.Dispose(this, $"pinned host buffer of {Bytes} bytes", () =>
        {
            _device.MakeCurrent();
            Check.Cuda(Driver.cuMemFreeHost((void*)p));
        });
    }

    ~PinnedHostBuffer() => HandleRelease.Finalized(this, $"pinned host buffer of {Bytes} bytes", Pointer != null);
}
