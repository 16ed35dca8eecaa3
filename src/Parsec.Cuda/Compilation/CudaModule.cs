using System.Runtime.InteropServices;
using System.Text;
using Parsec.Cuda.Native;

namespace Parsec.Cuda.Compilation;

/// <summary>A loaded module (PTX JIT-compiled by the driver for this GPU) and the kernels looked up in it.</summary>
internal sealed unsafe class CudaModule : IDisposable
{
    private readonly CudaDevice _device;
    private readonly Dictionary<string, CudaKernel> _kernels = [];

    private CudaModule(CudaDevice device, nint handle, string name)
    {
        _device = device;
        Handle = handle;
        Name = name;
    }

    public nint Handle { get; private set; }
    public string Name { get; }

    /// <summary>Loads PTX; a JIT failure (e.g. PTX newer than the driver) raises <see cref="CudaException"/> with the JIT's error log.</summary>
    public static CudaModule Load(CudaDevice device, string name, string ptx)
    {
        device.MakeCurrent();
        const int logBytes = 16 * 1024;
        byte* errorLog = stackalloc byte[logBytes];
        errorLog[0] = 0;
        CUjit_option* keys = stackalloc CUjit_option[2];
        void** values = stackalloc void*[2];
        keys[0] = CUjit_option.CU_JIT_ERROR_LOG_BUFFER; values[0] = errorLog;
        keys[1] = CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES; values[1] = (void*)(nint)logBytes;
        nint module = 0;
        nint image = Marshal.StringToCoTaskMemUTF8(ptx);
        try
        {
            int status = Driver.cuModuleLoadDataEx(&module, (void*)image, 2, keys, values);
            if (status != 0)
            {
                string log = Marshal.PtrToStringUTF8((nint)errorLog) ?? "";
                throw Check.CudaError(status, new CallSite($"cuModuleLoadDataEx({name})", "", 0), log.Length > 0 ? "JIT log: " + log : null);
            }
        }
        finally
        {
            Marshal.FreeCoTaskMem(image);
        }
        return new CudaModule(device, module, name);
    }

    /// <summary>The kernel with this unmangled (extern "C") name; looked up once.</summary>
    public CudaKernel Function(string kernelName)
    {
        ObjectDisposedException.ThrowIf(Handle == 0, this);
        if (_kernels.TryGetValue(kernelName, out var kernel)) return kernel;
        _device.MakeCurrent();
        nint f = 0;
        byte[] utf8 = Encoding.UTF8.GetBytes(kernelName + "\0");
        fixed (byte* p = utf8)
        {
            int status = Driver.cuModuleGetFunction(&f, Handle, p);
            if (status != 0) throw Check.CudaError(status, new CallSite($"cuModuleGetFunction({Name}, {kernelName})", "", 0));
        }
        kernel = new CudaKernel(_device, f, kernelName);
        _kernels[kernelName] = kernel;
        return kernel;
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        _kernels.Clear();
        HandleRelease.Dispose(this, $"module {Name}", () =>
        {
            _device.MakeCurrent();
            Check.Cuda(Driver.cuModuleUnload(h));
        });
    }

    ~CudaModule() => HandleRelease.Finalized(this, $"module {Name}", Handle != 0);
}
