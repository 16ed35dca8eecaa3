using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>A measured time: the median of the repetitions and their spread (interquartile range over the median).</summary>
internal sealed record LatencyEntry(double MedianMs, double Spread);

/// <summary>
/// FBNet's lookup table for the evaluation network: the forward time of each primitive at each position it can take
/// (<see cref="OpPosition"/>), measured on one backend at one batch size, plus the fixed part (stem, preprocessing,
/// node sums, classifier). A genotype's predicted latency is the fixed part plus its ops' entries, summed over every
/// cell; the fixed part, with what the ops lose inside a network against alone (their inputs no longer warm in a
/// cache), is fitted to a few whole networks measured beside the table (<see cref="Calibrations"/>). The prediction keeps the
/// same additive form as parameters and multiply-adds (<see cref="TermCostTable"/>), so that the expected latency
/// under pi is exact with respect to the table.
/// The table is cached under a key of the machine and the shape set (<see cref="Key"/>): a change of either measures anew.
/// </summary>
internal sealed class LatencyTable
{
    public const string Format = "parsec-latency/1";

    [JsonPropertyName("format")] public string FileFormat { get; init; } = Format;
    /// <summary>What measured it: the backend, its device and precision, the host's processor and cores.</summary>
    [JsonPropertyName("machine")] public required string Machine { get; init; }
    [JsonPropertyName("shape")] public required CostShape Shape { get; init; }
    [JsonPropertyName("batch")] public required int Batch { get; init; }
    /// <summary>The primitives of its shape's space it covers, each as its declaration: a changed declaration invalidates the table.</summary>
    [JsonPropertyName("primitives")] public required IReadOnlyList<string> Primitives { get; init; }
    [JsonPropertyName("fixed_ms")] public required double FixedMs { get; init; }
    /// <summary>What an op's entry is multiplied by in a prediction (1: the entries are taken as measured; see <see cref="Fit"/>).</summary>
    [JsonPropertyName("op_scale")] public required double OpScale { get; init; }
    /// <summary>The whole networks the fixed part and the scale were fitted to: the reference (every term a 3x3 max pool) and random genotypes drawn apart from any a check uses.</summary>
    [JsonPropertyName("calibration")] public required IReadOnlyList<Calibration> Calibrations { get; init; }
    [JsonPropertyName("ops")] public required IReadOnlyList<OpLatency> Ops { get; init; }

    /// <summary>A calibration network: its genotype's text, the sum of its ops' entries, and its measured time.</summary>
    public sealed record Calibration([property: JsonPropertyName("genotype")] string Genotype, [property: JsonPropertyName("ops_ms")] double OpsMs,
        [property: JsonPropertyName("measured")] LatencyEntry Measured);

    public sealed record OpLatency(
        [property: JsonPropertyName("op")] string Op, [property: JsonPropertyName("channels")] int Channels,
        [property: JsonPropertyName("side")] int Side, [property: JsonPropertyName("stride")] int Stride,
        [property: JsonPropertyName("median_ms")] double MedianMs, [property: JsonPropertyName("spread")] double Spread)
    {
        public OpPosition Position => new(Op, Channels, Side, Stride);
    }

    private Dictionary<OpPosition, OpLatency>? _byPosition;

    public double Of(OpPosition position) =>
        ((_byPosition ??= Ops.ToDictionary(o => o.Position))).TryGetValue(position, out var entry) ? entry.MedianMs
            : throw new InvalidOperationException($"the latency table has no entry for {position}: it was measured for another shape");

    /// <summary>The fixed part plus the scaled entries of every op of <paramref name="genotype"/> in every cell.</summary>
    public double Predict(Genotype genotype) => FixedMs + OpScale * OpsOf(genotype);

    /// <summary>The entries of every op of <paramref name="genotype"/> in every cell, summed as measured alone.</summary>
    public double OpsOf(Genotype genotype)
    {
        var architecture = Architecture.FromGenotype(genotype);
        return CellPlacement.Of(Shape).Sum(cell => architecture.Of(cell.Type).Sum(t => Of(cell.Position(architecture.OpName(t), t.Input))));
    }

    /// <summary>
    /// The fixed part as the mean of measured - ops over the calibration networks, the ops counted at their measured
    /// cost (scale 1). A free scale was tried and rejected: on the 2-core machine the whole networks' own spread
    /// (10-35 %) is as large as their differences, and least squares fitted a scale near 0, a prediction blind to the ops.
    /// </summary>
    public static (double FixedMs, double OpScale) Fit(IReadOnlyList<Calibration> calibrations)
    {
        if (calibrations.Count == 0) throw new ArgumentException("a latency fit needs at least one calibration network", nameof(calibrations));
        return (calibrations.Average(c => c.Measured.MedianMs - c.OpsMs), 1);
    }

    /// <summary>
    /// The table as a <see cref="TermCostTable"/>: a term's part is its op's scaled entry summed over the cells of its
    /// type, so that <see cref="TermCostTable.CostOf"/> equals <see cref="Predict"/> and pi's expected latency is exact.
    /// </summary>
    public TermCostTable ToTermCosts()
    {
        var cells = CellPlacement.Of(Shape);
        return TermCostTable.FromParts(Shape, CostMeasure.Latency, FixedMs, (type, term, input, op) =>
            OpScale * cells.Where(c => c.Type == type).Sum(c => Of(c.Position(Shape.Space.Ops[op], input))));
    }

    /// <summary>Reads a table kept in a run folder (latency.json), so that a resumed search prices with the table it started with.</summary>
    public static LatencyTable Read(string path)
    {
        try
        {
            var table = JsonSerializer.Deserialize<LatencyTable>(File.ReadAllText(path)) ?? throw new BadInputException($"{path}: empty");
            if (table.FileFormat != Format) throw new BadInputException($"{path}: format '{table.FileFormat}', expected '{Format}'");
            return table;
        }
        catch (JsonException e) { throw new BadInputException($"{path}: not a latency table ({e.Message})", e); }
    }

    public void Write(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>The declarations of <paramref name="space"/>'s operations a table must have been measured with to be used today.</summary>
    public static IReadOnlyList<string> CurrentPrimitives(SearchSpace space) =>
        space.Ops.Select(Space.Primitives.Get).Select(p => $"{p.Name} {p.Family} {p.Kernel} {p.Dilation}").ToList();

    /// <summary>
    /// The cache key: a hash of the machine, the shape set, the batch and the primitives' declarations. A table is
    /// used only under the key it was measured for, so another device, shape or declaration measures anew.
    /// </summary>
    public static string Key(string machine, CostShape shape, int batch) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0',
            [Format, machine, JsonSerializer.Serialize(shape), $"{batch}", .. CurrentPrimitives(shape.Space)]))))[..16];

    /// <summary>$PARSEC_LATENCY_CACHE, else $XDG_CACHE_HOME/parsec/latency, else ~/.cache/parsec/latency.</summary>
    public static string DefaultCacheFolder()
    {
        string? explicitDir = Environment.GetEnvironmentVariable("PARSEC_LATENCY_CACHE");
        if (!string.IsNullOrWhiteSpace(explicitDir)) return explicitDir;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "parsec", "latency");
    }

    public static string CachePath(string folder, string machine, CostShape shape, int batch) => Path.Combine(folder, $"{Key(machine, shape, batch)}.json");

    /// <summary>The cached table for this machine, shape and batch, or null when there is none (or it does not match: a stale file is ignored, not trusted).</summary>
    public static LatencyTable? Load(string folder, string machine, CostShape shape, int batch)
    {
        string path = CachePath(folder, machine, shape, batch);
        if (!File.Exists(path)) return null;
        LatencyTable? table;
        try { table = JsonSerializer.Deserialize<LatencyTable>(File.ReadAllText(path)); }
        catch (JsonException) { return null; }
        return table is not null && table.FileFormat == Format && table.Machine == machine && table.Shape == shape && table.Batch == batch
            && table.Primitives.SequenceEqual(CurrentPrimitives(shape.Space)) ? table : null;
    }

    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        Write(CachePath(folder, Machine, Shape, Batch));
    }
}
