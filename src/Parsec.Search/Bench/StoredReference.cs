using System.Text.Json;

namespace Parsec.Search.Bench;

/// <summary>One stored PyTorch measurement of a benchmark case: when, where and with what it was taken.</summary>
internal sealed record StoredMeasurement
{
    public required string Date { get; init; }
    public required string Machine { get; init; }
    public required string Software { get; init; }
    /// <summary>[low, high]: the median per step, a range when it varied between runs.</summary>
    public required double[] MedianMs { get; init; }
    public double? PeakMib { get; init; }
    /// <summary>Parsec's median on the same machine in the same minutes, where it was taken.</summary>
    public double[]? ParsecMedianMsSameMachine { get; init; }
    public string? Steps { get; init; }

    public static string Range(double[] ms) => ms[0] == ms[^1] ? $"{ms[0]:0.0}" : $"{ms[0]:0}-{ms[^1]:0}";
}

/// <summary>
/// The stored PyTorch figures of a benchmark case (bench/reference/*.json in the repository, embedded in the
/// program). They were measured elsewhere, so `bench` shows them only as such, never as a comparison.
/// </summary>
internal sealed record StoredReference
{
    public required string Case { get; init; }
    public required string What { get; init; }
    public required IReadOnlyList<StoredMeasurement> Measurements { get; init; }

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The stored figures of <paramref name="caseName"/>, or null when none are stored.</summary>
    public static StoredReference? For(string caseName)
    {
        using var stream = typeof(StoredReference).Assembly.GetManifestResourceStream($"bench/reference/{caseName}.json");
        if (stream is null) return null;
        var reference = JsonSerializer.Deserialize<StoredReference>(stream, Json)
            ?? throw new InvalidDataException($"bench/reference/{caseName}.json is empty");
        if (reference.Case != caseName || reference.Measurements.Any(m => m.MedianMs is not { Length: 2 }))
            throw new InvalidDataException($"bench/reference/{caseName}.json: expected case '{caseName}' and a [low, high] median_ms in every measurement");
        return reference;
    }
}
