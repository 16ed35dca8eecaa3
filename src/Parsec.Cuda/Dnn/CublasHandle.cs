using Parsec.Cuda.Native;

namespace Parsec.Cuda.Dnn;

/// <summary>
/// A cuBLAS handle bound to a stream, with a caller-owned workspace so cuBLAS never allocates device memory of
/// its own during a run, and a math mode (pedantic fp32 by default, TF32 tensor cores on request).
/// </summary>
internal sealed unsafe class CublasHandle : IDisposable
{
    private readonly CudaDevice _device;

    public CublasHandle(CudaStream stream, ulong workspace, long workspaceBytes, bool allowTf32)
    {
        _device = stream.Device;
        _device.MakeCurrent();
        nint h = 0;
        Check.Cublas(Cublas.cublasCreate_v2(&h));
        Handle = h;
        Check.Cublas(Cublas.cublasSetStream_v2(h, stream.Handle));
        Check.Cublas(Cublas.cublasSetWorkspace_v2(h, workspace, (nuint)workspaceBytes));
        // Pedantic keeps every fp32 product and sum in fp32 (no TF32, no reduced-precision reductions).
        Check.Cublas(Cublas.cublasSetMathMode(h, allowTf32 ? cublasMath_t.CUBLAS_TF32_TENSOR_OP_MATH : cublasMath_t.CUBLAS_PEDANTIC_MATH));
    }

    public nint Handle { get; private set; }

    /// <summary>The loaded library's version, e.g. 130100 for 13.1.0.</summary>
    public int Version()
    {
        int v = 0;
        Check.Cublas(Cublas.cublasGetVersion_v2(Handle, &v));
        return v;
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuBLAS handle 0x{h:x}", () =>
        {
            _device.MakeCurrent();
            Check.Cublas(Cublas.cublasDestroy_v2(h));
        });
    }

    ~CublasHandle() => HandleRelease.Finalized(this, $"cuBLAS handle 0x{Handle:x}", Handle != 0);
}
