using System.Text.Json;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Space;

namespace Parsec.Search.Training;

/// <summary>
/// Everything besides tensors that a checkpoint or weights file must carry to rebuild the network, feed it
/// the same inputs and resume training exactly: the genotype, the options, the dataset, the normalisation,
/// and (checkpoints only) the progress and generator states. Stored as JSON in the safetensors metadata.
/// </summary>
public sealed record TrainingRecord
{
    public required string GenotypeJson { get; init; }
    public required EvaluationOptions Options { get; init; }
    public required DatasetSpec Dataset { get; init; }
    public required float[] NormalizationMean { get; init; }
    public required float[] NormalizationStd { get; init; }
    /// <summary>(C, H, W) of the training images.</summary>
    public required int[] ImageShape { get; init; }
    public required string[] ClassNames { get; init; }
    public int EpochsCompleted { get; init; }
    /// <summary>State of the generator drawing batch order and augmentation, at the end of the last completed epoch.</summary>
    public ulong[]? LoaderRng { get; init; }
    public ulong[]? DropPathRng { get; init; }
    public int OptimizerStep { get; init; }
    /// <summary>The backend the run was started on ("cpu", "cuda:0"); a resume uses it unless told otherwise.</summary>
    public string? Backend { get; init; }
    /// <summary>The precision the run computed in ("fp32", "tf32"); null in runs from before it was recorded.</summary>
    public string? Precision { get; init; }

    public Genotype Genotype(string source) => Space.Genotype.FromJson(GenotypeJson, source);
    public ChannelNormalization Normalization => new(NormalizationMean, NormalizationStd);
    public int Classes => ClassNames.Length;

    /// <summary>The metadata key that holds this record, and the format marker that identifies these files.</summary>
    public const string MetadataKey = "parsec.training";
    public const string FormatKey = "format";
    public const string FormatValue = "parsec-evaluation-v1";
    /// <summary>The genotype is repeated on its own so that a person (or another tool) can read it without parsing the record.</summary>
    public const string GenotypeKey = "genotype";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
    };

    public Dictionary<string, string> ToMetadata() => new()
    {
        [FormatKey] = FormatValue,
        [GenotypeKey] = GenotypeJson,
        [NetworkMetadata.Key] = NetworkMetadata.From(this).ToJson(),
        [MetadataKey] = JsonSerializer.Serialize(this, Json),
    };

    /// <summary>What a person reads as the run's settings (options, data, backend), without the generator states and statistics of a checkpoint.</summary>
    public string SettingsJson() => JsonSerializer.Serialize(new { Options, Dataset, ImageShape, ClassNames, Backend, Precision }, Json);

    public static TrainingRecord FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(FormatKey, out var format) || format != FormatValue)
            throw new BadInputException($"{source}: not a weights file written by `parsec train` (metadata '{FormatKey}' is '{format ?? "absent"}', expected '{FormatValue}')");
        if (!metadata.TryGetValue(MetadataKey, out var json))
            throw new BadInputException($"{source}: metadata has no '{MetadataKey}' entry");
        TrainingRecord? record;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json);
            DatasetSpec.UpgradeJson(node?["dataset"]);
            record = node.Deserialize<TrainingRecord>(Json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { throw new BadInputException($"{source}: metadata '{MetadataKey}' is not a valid training record ({e.Message})", e); }
        if (record is null || record.ImageShape is not { Length: 3 } || record.NormalizationMean.Length != record.ImageShape[0])
            throw new BadInputException($"{source}: metadata '{MetadataKey}' is incomplete (image shape or normalisation missing)");
        record.Options.Validate();
        return record;
    }
}
