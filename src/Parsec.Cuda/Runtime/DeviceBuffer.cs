using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>
/// A range of device memory: owning (taken with cuMemAlloc, freed by Dispose) or borrowed (a view of memory
/// someone else owns, e.g. a block of the arena; Dispose does nothing to the memory).
/// </summary>
internal sealed class DeviceBuffer : IDisposable
{
    private readonly CudaDevice? _owner;

    private DeviceBuffer(ulong pointer, long bytes, CudaDevice? owner)
    {
        Pointer = pointer;
        Bytes = bytes;
        _owner = owner;
        if (owner is null) GC.SuppressFinalize(this); // a view owns nothing that could leak
    }

    /// <summary>The CUdeviceptr.</summary>
    public ulong Pointer { get; private set; }
    public long Bytes { get; }
    public bool IsOwner => _owner is not null;

    /// <summary>Takes <paramref name="bytes"/> of device memory with cuMemAlloc (counted in <see cref="DeviceMemoryCounters"/>).</summary>
    public static unsafe DeviceBuffer Allocate(CudaDevice device, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        device.MakeCurrent();
        ulong ptr = 0;
        Check.Cuda(Driver.cuMemAlloc_v2(&ptr, (nuint)bytes));
        DeviceMemoryCounters.OnDeviceAlloc(bytes);
        return new DeviceBuffer(ptr, bytes, device);
    }

    /// <summary>A non-owning view of <paramref name="bytes"/> at <paramref name="pointer"/>.</summary>
    public static DeviceBuffer Borrow(ulong pointer, long bytes) => new(pointer, bytes, null);

    public void Dispose()
    {
        if (Pointer == 0) return;
        ulong pointer = Pointer;
        Pointer = 0;
        if (_owner is null) return;
        HandleRelease.Dispose(this, ToString(pointer), () =>
        {
            _owner.MakeCurrent();
            Check.Cuda(Driver.cuMemFree_v2(pointer));
            DeviceMemoryCounters.OnDeviceFree(Bytes);
        });
    }

    ~DeviceBuffer() => HandleRelease.Finalized(this, ToString(Pointer), Pointer != 0 && _owner is not null);

    public override string ToString() => ToString(Pointer);

    private string ToString(ulong pointer) => $"0x{pointer:x} ({Bytes} bytes{(IsOwner ? "" : ", borrowed")})";
}
