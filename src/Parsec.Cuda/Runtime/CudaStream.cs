using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>A CUDA stream. Work on one stream runs in order, which is what lets freed arena memory be reused at once.</summary>
internal sealed unsafe class CudaStream : IDisposable
{
    private readonly CudaDevice _device;

    /// <param name="nonBlocking">
    /// True: no implicit synchronisation with the legacy default stream (CU_STREAM_NON_BLOCKING). Every copy in
    /// this project is issued on an explicit stream, so nothing relies on that implicit ordering.
    /// </param>
    public CudaStream(CudaDevice device, bool nonBlocking = true)
    {
        _device = device;
        device.MakeCurrent();
        nint h = 0;
        Check.Cuda(Driver.cuStreamCreate(&h, nonBlocking ? 1u : 0u));
        Handle = h;
    }

    public nint Handle { get; private set; }
    public CudaDevice Device => _device;

    public void Synchronize()
    {
        _device.MakeCurrent();
        Check.Cuda(Driver.cuStreamSynchronize(Handle));
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"stream 0x{h:x}", () =>
        {
            _device.MakeCurrent();
            Check.Cuda(Driver.cuStreamDestroy_v2(h));
        });
    }

    ~CudaStream() => HandleRelease.Finalized(this, $"stream 0x{Handle:x}", Handle != 0);
}
