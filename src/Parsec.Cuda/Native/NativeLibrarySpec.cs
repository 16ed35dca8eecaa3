namespace Parsec.Cuda.Native;

/// <summary>
/// One native library the bindings load: the short name the <c>[LibraryImport]</c> attributes use, the
/// versioned file names to try in order, the environment variable that overrides the search, and what to
/// install when nothing is found.
/// </summary>
public sealed record NativeLibrarySpec(
    string ImportName,
    string Description,
    IReadOnlyList<string> FileNames,
    string EnvironmentVariable,
    string InstallHint,
    IReadOnlyList<string> CompanionPrefixes)
{
    /// <summary>The CUDA driver API. Installed with the NVIDIA driver, never with the toolkit.</summary>
    public static readonly NativeLibrarySpec Driver = new(
        "cuda", "CUDA driver API", ["libcuda.so.1", "libcuda.so"], "PARSEC_CUDA_LIB",
        "install the NVIDIA driver (it provides libcuda.so.1); a machine without an NVIDIA GPU cannot run the CUDA backend",
        []);

    /// <summary>cuBLAS 13 or 12. cuBLAS needs cuBLASLt from the same folder.</summary>
    public static readonly NativeLibrarySpec Cublas = new(
        "cublas", "cuBLAS", ["libcublas.so.13", "libcublas.so.12", "libcublas.so"], "PARSEC_CUBLAS_LIB",
        "install cuBLAS 12 or 13 (Debian/Ubuntu: libcublas-13-0 or libcublas12; pip: nvidia-cublas) or point PARSEC_CUBLAS_LIB at libcublas.so.13 or its folder",
        ["libcublasLt.so"]);

    /// <summary>cuDNN 9. libcudnn.so.9 is a shim that opens libcudnn_ops/_cnn/... by name at run time.</summary>
    public static readonly NativeLibrarySpec Cudnn = new(
        "cudnn", "cuDNN 9", ["libcudnn.so.9", "libcudnn.so"], "PARSEC_CUDNN_LIB",
        "install cuDNN 9 (Debian/Ubuntu: libcudnn9-cuda-13 or libcudnn9-cuda-12; pip: nvidia-cudnn-cu12) or point PARSEC_CUDNN_LIB at the folder holding libcudnn*.so.9",
        ["libcudnn_"]);

    /// <summary>NVRTC 13, 12 or 11.2 (the 11.x soname of NVRTC from CUDA 11.8). Opens libnvrtc-builtins by name.</summary>
    public static readonly NativeLibrarySpec Nvrtc = new(
        "nvrtc", "NVRTC (runtime compiler)", ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"], "PARSEC_NVRTC_LIB",
        "install NVRTC (Debian non-free: libnvrtc11.2 and libnvrtc-builtins11.8; CUDA 13: cuda-nvrtc-13-0; pip: nvidia-cuda-nvrtc) or point PARSEC_NVRTC_LIB at libnvrtc.so.* or its folder",
        ["libnvrtc-builtins.so"]);

    public static IReadOnlyList<NativeLibrarySpec> All { get; } = [Driver, Cublas, Cudnn, Nvrtc];

    public static NativeLibrarySpec? ByImportName(string importName)
    {
        foreach (var spec in All)
            if (spec.ImportName == importName) return spec;
        return null;
    }
}
