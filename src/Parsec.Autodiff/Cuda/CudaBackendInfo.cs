using System.Text;

namespace Parsec.Autodiff.Cuda;

/// <summary>What a <see cref="CudaBackend"/> runs on: device, driver, library versions and where each library was loaded from.</summary>
public sealed record CudaBackendInfo(
    string DeviceName,
    int ComputeCapabilityMajor,
    int ComputeCapabilityMinor,
    int MultiprocessorCount,
    long TotalMemoryBytes,
    long FreeMemoryBytes,
    long ArenaBytes,
    int DriverCudaVersion,
    int CublasVersion,
    string CudnnVersion,
    string NvrtcVersion,
    int PtxArchitecture,
    bool Tf32,
    IReadOnlyDictionary<string, string> LibraryPaths)
{
    public override string ToString()
    {
        var s = new StringBuilder();
        s.AppendLine($"device: {DeviceName}, compute capability {ComputeCapabilityMajor}.{ComputeCapabilityMinor}, {MultiprocessorCount} SMs");
        s.AppendLine($"memory: {TotalMemoryBytes >> 20} MiB total, {FreeMemoryBytes >> 20} MiB free, arena {ArenaBytes >> 20} MiB");
        s.AppendLine($"driver: CUDA {DriverCudaVersion / 1000}.{DriverCudaVersion % 1000 / 10}");
        s.AppendLine($"cuBLAS {CublasVersion / 10000}.{CublasVersion / 100 % 100}.{CublasVersion % 100}, cuDNN {CudnnVersion}, NVRTC {NvrtcVersion} (PTX for compute_{PtxArchitecture}), TF32 {(Tf32 ? "on" : "off")}");
        foreach (var (lib, path) in LibraryPaths) s.AppendLine($"  {lib}: {path}");
        return s.ToString().TrimEnd();
    }
}
