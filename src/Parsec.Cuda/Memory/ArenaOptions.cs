namespace Parsec.Cuda.Memory;

/// <summary>How much device memory the arena takes and how it is split.</summary>
public sealed record ArenaOptions
{
    /// <summary>Exact arena size in bytes; when null, <see cref="FractionOfFreeMemory"/> of the memory free at creation.</summary>
    public long? TotalBytes { get; init; }
    public double FractionOfFreeMemory { get; init; } = 0.85;
    /// <summary>Exact size of the persistent region (weights, weight gradients, optimizer state); when null, <see cref="PersistentFraction"/> of the arena.</summary>
    public long? PersistentBytes { get; init; }
    public double PersistentFraction { get; init; } = 0.25;
    /// <summary>Every block starts on this boundary (cuDNN and vectorised kernels want at least 128 bytes).</summary>
    public long Alignment { get; init; } = 256;
    /// <summary>Names of the caller's buffer categories, indexed by the category number passed to Allocate (for the report).</summary>
    public IReadOnlyList<string> CategoryNames { get; init; } = ["default"];

    public void Validate()
    {
        if (TotalBytes is <= 0) throw new ArgumentException($"arena TotalBytes must be positive, got {TotalBytes}");
        if (FractionOfFreeMemory is <= 0 or > 1) throw new ArgumentException($"FractionOfFreeMemory must be in (0, 1], got {FractionOfFreeMemory}");
        if (PersistentBytes is < 0) throw new ArgumentException($"PersistentBytes cannot be negative, got {PersistentBytes}");
        if (PersistentFraction is <= 0 or >= 1) throw new ArgumentException($"PersistentFraction must be in (0, 1), got {PersistentFraction}");
        if (CategoryNames.Count == 0) throw new ArgumentException("give at least one category name");
    }
}
