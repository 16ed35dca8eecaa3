using Parsec.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// Kernels of kernels/ compiled for this device on first use (one NVRTC compile per file, cached on disk) and
/// loaded as modules; functions are looked up once and kept.
/// </summary>
internal sealed class KernelLibrary(CudaDevice device, NvrtcCompiler compiler, int architecture) : IDisposable
{
    private readonly Dictionary<string, CudaModule> _modules = [];
    private readonly Dictionary<(string File, string Kernel), CudaKernel> _kernels = [];

    public int Architecture { get; } = architecture;
    /// <summary>Files compiled by NVRTC in this process (the others came from the PTX cache).</summary>
    public int CompiledFiles { get; private set; }

    public CudaKernel Get(string file, string kernel)
    {
        if (_kernels.TryGetValue((file, kernel), out var k)) return k;
        if (!_modules.TryGetValue(file, out var module))
        {
            var ptx = compiler.Compile(KernelSources.Load(file), new NvrtcOptions(Architecture));
            if (!ptx.FromCache) CompiledFiles++;
            module = CudaModule.Load(device, file, ptx.Ptx);
            _modules[file] = module;
        }
        k = module.Function(kernel);
        _kernels[(file, kernel)] = k;
        return k;
    }

    public void Dispose()
    {
        foreach (var m in _modules.Values) m.Dispose();
        _modules.Clear();
        _kernels.Clear();
    }
}
