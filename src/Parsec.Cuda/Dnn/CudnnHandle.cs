using Parsec.Cuda.Native;

namespace Parsec.Cuda.Dnn;

/// <summary>A cuDNN handle bound to a stream. Every cuDNN call made through it is queued on that stream.</summary>
internal sealed unsafe class CudnnHandle : IDisposable
{
    private readonly CudaDevice _device;

    public CudnnHandle(CudaStream stream)
    {
        _device = stream.Device;
        _device.MakeCurrent();
        nint h = 0;
        Check.Cudnn(Cudnn.cudnnCreate(&h));
        Handle = h;
        Check.Cudnn(Cudnn.cudnnSetStream(h, stream.Handle));
    }

    public nint Handle { get; private set; }

    /// <summary>The loaded library's version as major*10000 + minor*100 + patch (cuDNN 9 numbering).</summary>
    public static long Version() => (long)Cudnn.cudnnGetVersion();

    public static string VersionText()
    {
        long v = Version();
        return $"{v / 10000}.{v / 100 % 100}.{v % 100}";
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuDNN handle 0x{h:x}", () =>
        {
            _device.MakeCurrent();
            Check.Cudnn(Cudnn.cudnnDestroy(h));
        });
    }

    ~CudnnHandle() => HandleRelease.Finalized(this, $"cuDNN handle 0x{Handle:x}", Handle != 0);
}
