using System.Text;
using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>
/// A GPU and its primary context (the context the CUDA runtime inside cuBLAS and cuDNN also uses, so the three
/// libraries share streams and memory). A context is current per thread and .NET continuations may move between
/// threads, so every component calls <see cref="MakeCurrent"/> before issuing work. Dispose releases the context.
/// </summary>
public sealed class CudaDevice : IDisposable
{
    // Which context this thread last made current, and for which opening of it: lets MakeCurrent skip the
    // driver call on the hot path while staying correct after a device is disposed and opened again.
    [ThreadStatic] private static nint t_currentContext;
    [ThreadStatic] private static long t_currentGeneration;
    private static long s_generation;

    private readonly long _generation;
    private bool _disposed;

    private CudaDevice(int ordinal, nint context)
    {
        Ordinal = ordinal;
        Context = context;
        _generation = Interlocked.Increment(ref s_generation);
    }

    public int Ordinal { get; }
    public nint Context { get; }
    public string Name { get; private set; } = "";
    public int ComputeCapabilityMajor { get; private set; }
    public int ComputeCapabilityMinor { get; private set; }
    /// <summary>Compute capability as major * 10 + minor (90 for an H100).</summary>
    public int ComputeCapability => ComputeCapabilityMajor * 10 + ComputeCapabilityMinor;
    public int MultiprocessorCount { get; private set; }
    public long TotalMemoryBytes { get; private set; }
    public long L2CacheBytes { get; private set; }
    /// <summary>CUDA version the driver supports, e.g. 13000 for 13.0.</summary>
    public int DriverVersion { get; private set; }

    /// <summary>Initialises the driver, retains device <paramref name="ordinal"/>'s primary context and makes it current.</summary>
    public static unsafe CudaDevice Open(int ordinal = 0)
    {
        Check.Cuda(Driver.cuInit(0));
        int count = 0;
        Check.Cuda(Driver.cuDeviceGetCount(&count));
        if (ordinal < 0 || ordinal >= count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"the driver reports {count} CUDA device(s)");
        int dev = 0;
        Check.Cuda(Driver.cuDeviceGet(&dev, ordinal));
        nint ctx = 0;
        Check.Cuda(Driver.cuDevicePrimaryCtxRetain(&ctx, dev));
        var device = new CudaDevice(dev, ctx);
        try
        {
            device.MakeCurrent();
            device.ReadProperties();
        }
        catch
        {
            device.Dispose();
            throw;
        }
        return device;
    }

    /// <summary>Makes this device's context current on the calling thread (cheap when it already is).</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (t_currentContext == Context && t_currentGeneration == _generation) return;
        Check.Cuda(Driver.cuCtxSetCurrent(Context));
        t_currentContext = Context;
        t_currentGeneration = _generation;
    }

    /// <summary>Free and total device memory in bytes, as the driver sees them now.</summary>
    public unsafe (long Free, long Total) MemoryInfo()
    {
        MakeCurrent();
        nuint free = 0, total = 0;
        Check.Cuda(Driver.cuMemGetInfo_v2(&free, &total));
        return ((long)free, (long)total);
    }

    /// <summary>Waits for all work in the context, on every stream.</summary>
    public void Synchronize()
    {
        MakeCurrent();
        Check.Cuda(Driver.cuCtxSynchronize());
    }

    private unsafe void ReadProperties()
    {
        int version = 0;
        Check.Cuda(Driver.cuDriverGetVersion(&version));
        DriverVersion = version;
        byte* name = stackalloc byte[256];
        Check.Cuda(Driver.cuDeviceGetName(name, 256, Ordinal));
        Name = Encoding.UTF8.GetString(name, new ReadOnlySpan<byte>(name, 256).IndexOf((byte)0));
        ComputeCapabilityMajor = Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ComputeCapabilityMinor = Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        MultiprocessorCount = Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        L2CacheBytes = Attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE);
        nuint total = 0;
        Check.Cuda(Driver.cuDeviceTotalMem_v2(&total, Ordinal));
        TotalMemoryBytes = (long)total;
    }

    internal unsafe int Attribute(CUdevice_attribute attribute)
    {
        int value = 0;
        Check.Cuda(Driver.cuDeviceGetAttribute(&value, attribute, Ordinal));
        return value;
    }

    public override string ToString() =>
        $"{Name} (compute capability {ComputeCapabilityMajor}.{ComputeCapabilityMinor}, {MultiprocessorCount} SMs, {TotalMemoryBytes / (1 << 20)} MiB)";

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (t_currentContext == Context) t_currentContext = 0;
        HandleRelease.Dispose(this, $"primary context of device {Ordinal}", () => Check.Cuda(Driver.cuDevicePrimaryCtxRelease_v2(Ordinal)));
    }

    ~CudaDevice() => HandleRelease.Finalized(this, $"primary context of device {Ordinal}", !_disposed);
}
