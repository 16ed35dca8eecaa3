using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>A CUDA event: a marker in a stream, used for timing GPU work without host clocks.</summary>
internal sealed unsafe class CudaEvent : IDisposable
{
    private readonly CudaDevice _device;

    public CudaEvent(CudaDevice device, bool timing = true)
    {
        _device = device;
        device.MakeCurrent();
        nint h = 0;
        Check.Cuda(Driver.cuEventCreate(&h, timing ? 0u : 2u));
        Handle = h;
    }

    public nint Handle { get; private set; }

    public void Record(CudaStream stream)
    {
        _device.MakeCurrent();
        Check.Cuda(Driver.cuEventRecord(Handle, stream.Handle));
    }

    public void Synchronize()
    {
        _device.MakeCurrent();
        Check.Cuda(Driver.cuEventSynchronize(Handle));
    }

    /// <summary>GPU time between two recorded events in milliseconds (about 0.5 microsecond resolution); waits for <paramref name="end"/>.</summary>
    public static float ElapsedMilliseconds(CudaEvent start, CudaEvent end)
    {
        end.Synchronize();
        float ms = 0;
        Check.Cuda(Driver.cuEventElapsedTime(&ms, start.Handle, end.Handle));
        return ms;
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"event 0x{h:x}", () =>
        {
            _device.MakeCurrent();
            Check.Cuda(Driver.cuEventDestroy_v2(h));
        });
    }

    ~CudaEvent() => HandleRelease.Finalized(this, $"event 0x{Handle:x}", Handle != 0);
}
