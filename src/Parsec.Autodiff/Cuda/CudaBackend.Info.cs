using Parsec.Cuda.Compilation;
using Parsec.Cuda.Dnn;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

public sealed partial class CudaBackend
{
    /// <summary>Driver version, device name, compute capability, SM count, memory, and the versions and paths of cuBLAS, cuDNN and NVRTC.</summary>
    public CudaBackendInfo Info()
    {
        ThrowIfDisposed();
        var (free, total) = _device.MemoryInfo();
        var (major, minor) = NvrtcCompiler.Version();
        var paths = new Dictionary<string, string>();
        foreach (var spec in NativeLibrarySpec.All) paths[spec.Description] = NativeLibraries.LoadedPath(spec) ?? "(not loaded)";
        return new CudaBackendInfo(_device.Name, _device.ComputeCapabilityMajor, _device.ComputeCapabilityMinor, _device.MultiprocessorCount,
            total, free, _arena.CapacityBytes, _device.DriverVersion, _cublas.Version(), CudnnHandle.VersionText(), $"{major}.{minor}",
            _kernels.Architecture, Tf32InForce, paths);
    }
}
