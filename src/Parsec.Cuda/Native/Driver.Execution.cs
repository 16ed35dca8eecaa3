using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>CUDA driver API: modules, kernel launch, streams and events.</summary>
internal static unsafe partial class Driver
{
    /// <summary>image: a NUL-terminated PTX text, a cubin or a fatbin.</summary>
    [LibraryImport(Library)] public static partial int cuModuleLoadData(nint* module, void* image);
    [LibraryImport(Library)] public static partial int cuModuleLoadDataEx(nint* module, void* image, uint numOptions, CUjit_option* options, void** optionValues);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint hmod);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(nint* hfunc, nint hmod, byte* name);

    /// <summary>kernelParams[i] is the address of argument i's value; extra is null here.</summary>
    [LibraryImport(Library)]
    public static partial int cuLaunchKernel(nint f, uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ, uint sharedMemBytes, nint hStream, void** kernelParams, void** extra);

    /// <summary>Flags: 0 default, 1 = CU_STREAM_NON_BLOCKING (no implicit sync with the legacy default stream).</summary>
    [LibraryImport(Library)] public static partial int cuStreamCreate(nint* phStream, uint Flags);
    [LibraryImport(Library)] public static partial int cuStreamDestroy_v2(nint hStream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint hStream);

    /// <summary>Flags: 0 default (timing enabled), 2 = CU_EVENT_DISABLE_TIMING.</summary>
    [LibraryImport(Library)] public static partial int cuEventCreate(nint* phEvent, uint Flags);
    [LibraryImport(Library)] public static partial int cuEventRecord(nint hEvent, nint hStream);
    [LibraryImport(Library)] public static partial int cuEventSynchronize(nint hEvent);
    [LibraryImport(Library)] public static partial int cuEventElapsedTime(float* pMilliseconds, nint hStart, nint hEnd);
    [LibraryImport(Library)] public static partial int cuEventDestroy_v2(nint hEvent);
}
