using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>CUDA driver API: device and pinned host memory, copies and fills. Sizes are size_t (nuint).</summary>
internal static unsafe partial class Driver
{
    [LibraryImport(Library)] public static partial int cuMemGetInfo_v2(nuint* free, nuint* total);
    [LibraryImport(Library)] public static partial int cuMemAlloc_v2(ulong* dptr, nuint bytesize);
    [LibraryImport(Library)] public static partial int cuMemFree_v2(ulong dptr);
    [LibraryImport(Library)] public static partial int cuMemAllocHost_v2(void** pp, nuint bytesize);
    [LibraryImport(Library)] public static partial int cuMemFreeHost(void* p);

    [LibraryImport(Library)] public static partial int cuMemcpyHtoDAsync_v2(ulong dstDevice, void* srcHost, nuint ByteCount, nint hStream);
    [LibraryImport(Library)] public static partial int cuMemcpyDtoHAsync_v2(void* dstHost, ulong srcDevice, nuint ByteCount, nint hStream);
    [LibraryImport(Library)] public static partial int cuMemcpyDtoDAsync_v2(ulong dstDevice, ulong srcDevice, nuint ByteCount, nint hStream);
    /// <summary>Fills N 32-bit words (N counts words, not bytes).</summary>
    [LibraryImport(Library)] public static partial int cuMemsetD32Async(ulong dstDevice, uint ui, nuint N, nint hStream);
}
