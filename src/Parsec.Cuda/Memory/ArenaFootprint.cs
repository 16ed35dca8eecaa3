using System.Text;

namespace Parsec.Cuda.Memory;

/// <summary>Bytes of one buffer category: live now and the most ever live at once.</summary>
public readonly record struct CategoryBytes(string Category, bool Persistent, long LiveBytes, long PeakBytes);

/// <summary>
/// The memory-footprint report of a <see cref="DeviceArena"/>: capacity of each region, bytes by category,
/// the per-step peak, and high-water marks (how far into each region memory was ever used).
/// </summary>
public sealed record ArenaFootprint(
    long CapacityBytes,
    long PersistentCapacityBytes,
    long PerStepCapacityBytes,
    long PersistentUsedBytes,
    long PerStepUsedBytes,
    long PersistentHighWaterBytes,
    long PerStepHighWaterBytes,
    long PerStepPeakBytes,
    long CurrentStepPeakBytes,
    long LargestFreePerStepBytes,
    long PlannedStepBytes,
    long PlannedSteps,
    long Steps,
    long DeviceAllocations,
    IReadOnlyList<CategoryBytes> Categories)
{
    public override string ToString()
    {
        var s = new StringBuilder();
        s.AppendLine($"arena {Mib(CapacityBytes)}: persistent region {Mib(PersistentCapacityBytes)}, per-step region {Mib(PerStepCapacityBytes)}");
        s.AppendLine($"  persistent: {Mib(PersistentUsedBytes)} used, high-water mark {Mib(PersistentHighWaterBytes)}");
        s.AppendLine($"  per-step:   {Mib(PerStepUsedBytes)} used, peak {Mib(PerStepPeakBytes)} (this step {Mib(CurrentStepPeakBytes)}), high-water mark {Mib(PerStepHighWaterBytes)}, largest free range {Mib(LargestFreePerStepBytes)}");
        s.AppendLine($"  steps: {Steps}, of which {PlannedSteps} fully placed by a lifetime plan" + (PlannedStepBytes > 0 ? $" (current plan needs {Mib(PlannedStepBytes)})" : ""));
        s.AppendLine($"  cuMemAlloc calls in this process: {DeviceAllocations}");
        s.AppendLine("  category               live        peak");
        foreach (var c in Categories)
            s.AppendLine($"  {c.Category + (c.Persistent ? " (p)" : ""),-20} {Mib(c.LiveBytes),10} {Mib(c.PeakBytes),11}");
        return s.ToString();
    }

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024.0):F1} MiB";
}

/// <summary>The arena had no room for a request; the message and <see cref="Footprint"/> say where the memory went.</summary>
public sealed class ArenaOutOfMemoryException(string message, ArenaFootprint footprint)
    : Exception(message + Environment.NewLine + footprint)
{
    public ArenaFootprint Footprint { get; } = footprint;
}
