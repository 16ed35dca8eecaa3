namespace Parsec.Cuda;

/// <summary>
/// Process-wide counts of the driver allocations this library made (cuMemAlloc / cuMemFree and pinned host
/// memory). The arena takes its memory once, so a search in steady state must leave these unchanged: tests
/// and the device runner read them to prove it.
/// </summary>
internal static class DeviceMemoryCounters
{
    private static long s_deviceAllocations, s_deviceFrees, s_deviceBytesLive, s_hostAllocations;

    /// <summary>Successful cuMemAlloc_v2 calls so far.</summary>
    public static long DeviceAllocations => Interlocked.Read(ref s_deviceAllocations);
    /// <summary>cuMemFree_v2 calls so far.</summary>
    public static long DeviceFrees => Interlocked.Read(ref s_deviceFrees);
    public static long DeviceBytesLive => Interlocked.Read(ref s_deviceBytesLive);
    /// <summary>Successful cuMemAllocHost_v2 calls so far.</summary>
    public static long PinnedHostAllocations => Interlocked.Read(ref s_hostAllocations);

    internal static void OnDeviceAlloc(long bytes)
    {
        Interlocked.Increment(ref s_deviceAllocations);
        Interlocked.Add(ref s_deviceBytesLive, bytes);
    }

    internal static void OnDeviceFree(long bytes)
    {
        Interlocked.Increment(ref s_deviceFrees);
        Interlocked.Add(ref s_deviceBytesLive, -bytes);
    }

    internal static void OnHostAlloc() => Interlocked.Increment(ref s_hostAllocations);
}
