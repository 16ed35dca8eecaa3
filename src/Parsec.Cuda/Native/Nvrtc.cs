using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>
/// NVRTC, the runtime CUDA C++ compiler (nvrtc.h). nvrtcResult is an int (0 = NVRTC_SUCCESS, 6 = compilation
/// error); nvrtcProgram is a pointer. Strings are NUL-terminated UTF-8. Sizes returned include the trailing NUL.
/// </summary>
internal static unsafe partial class Nvrtc
{
    public const string Library = "nvrtc";

    static Nvrtc() => NativeLibraries.EnsureResolver();

    /// <summary>Returns the enumerator's name, e.g. "NVRTC_ERROR_COMPILATION".</summary>
    [LibraryImport(Library)] public static partial nint nvrtcGetErrorString(int result);
    [LibraryImport(Library)] public static partial int nvrtcVersion(int* major, int* minor);
    [LibraryImport(Library)] public static partial int nvrtcGetNumSupportedArchs(int* numArchs);
    /// <summary>Fills the compute capabilities this NVRTC can target, e.g. 52, ..., 90, as major*10+minor.</summary>
    [LibraryImport(Library)] public static partial int nvrtcGetSupportedArchs(int* supportedArchs);

    [LibraryImport(Library)]
    public static partial int nvrtcCreateProgram(nint* prog, byte* src, byte* name, int numHeaders, byte** headers, byte** includeNames);
    [LibraryImport(Library)] public static partial int nvrtcDestroyProgram(nint* prog);
    [LibraryImport(Library)] public static partial int nvrtcCompileProgram(nint prog, int numOptions, byte** options);
    [LibraryImport(Library)] public static partial int nvrtcGetProgramLogSize(nint prog, nuint* logSizeRet);
    [LibraryImport(Library)] public static partial int nvrtcGetProgramLog(nint prog, byte* log);
    [LibraryImport(Library)] public static partial int nvrtcGetPTXSize(nint prog, nuint* ptxSizeRet);
    [LibraryImport(Library)] public static partial int nvrtcGetPTX(nint prog, byte* ptx);
}
