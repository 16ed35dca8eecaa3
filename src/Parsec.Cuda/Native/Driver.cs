using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>
/// CUDA driver API: initialisation, devices, contexts and error text. Entry points keep their exported C names
/// (with the <c>_v2</c> suffixes the header's macros map to). CUresult is an int (0 = CUDA_SUCCESS), CUdevice an
/// int, CUcontext/CUmodule/CUfunction/CUstream/CUevent are pointers, CUdeviceptr is a 64-bit integer.
/// </summary>
internal static unsafe partial class Driver
{
    public const string Library = "cuda";

    static Driver() => NativeLibraries.EnsureResolver();

    [LibraryImport(Library)] public static partial int cuInit(uint Flags);
    [LibraryImport(Library)] public static partial int cuDriverGetVersion(int* driverVersion);
    [LibraryImport(Library)] public static partial int cuGetErrorName(int error, byte** pStr);
    [LibraryImport(Library)] public static partial int cuGetErrorString(int error, byte** pStr);

    [LibraryImport(Library)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(int* device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int len, int dev);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(int* pi, CUdevice_attribute attrib, int dev);
    [LibraryImport(Library)] public static partial int cuDeviceTotalMem_v2(nuint* bytes, int dev);

    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(nint* pctx, int dev);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRelease_v2(int dev);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(nint ctx);
    [LibraryImport(Library)] public static partial int cuCtxGetCurrent(nint* pctx);
    [LibraryImport(Library)] public static partial int cuCtxSynchronize();
}

/// <summary>The subset of CUdevice_attribute this project reads (values from cuda.h).</summary>
internal enum CUdevice_attribute
{
    CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 1,
    CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
    CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE = 36,
    CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH = 37,
    CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE = 38,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
    CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
}

/// <summary>The subset of CUjit_option used to collect the PTX JIT's logs (values from cuda.h).</summary>
internal enum CUjit_option
{
    CU_JIT_INFO_LOG_BUFFER = 3,
    CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
    CU_JIT_ERROR_LOG_BUFFER = 5,
    CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
}
