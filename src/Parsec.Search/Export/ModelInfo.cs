using System.Text.Json;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Training;

namespace Parsec.Search.Export;

/// <summary>
/// What a user of a trained model needs besides the network: the genotype, how to prepare an image
/// (size, channels, normalisation), what the outputs mean (class names) and which Parsec wrote it. Stored as
/// ONNX metadata_props, one key each, values as JSON where they are not plain strings, so any runtime
/// (ONNX Runtime's ModelMetadata.CustomMetadataMap, onnx.load in Python) can read them.
/// </summary>
public sealed record ModelInfo(string GenotypeJson, float[] NormalizationMean, float[] NormalizationStd, string[] ClassNames, int[] ImageShape,
    string ParsecVersion)
{
    public const string GenotypeKey = "parsec.genotype";
    public const string MeanKey = "parsec.normalization_mean";
    public const string StdKey = "parsec.normalization_std";
    public const string ClassNamesKey = "parsec.class_names";
    public const string ImageShapeKey = "parsec.image_shape";
    public const string VersionKey = "parsec.version";
    public static readonly IReadOnlyList<string> Keys = [GenotypeKey, MeanKey, StdKey, ClassNamesKey, ImageShapeKey, VersionKey];

    public ChannelNormalization Normalization => new(NormalizationMean, NormalizationStd);

    /// <summary>The information a weights file's training record carries.</summary>
    public static ModelInfo From(TrainingRecord record) =>
        new(record.GenotypeJson, record.NormalizationMean, record.NormalizationStd, record.ClassNames, record.ImageShape, ParsecVersionInfo.Current);

    public IEnumerable<KeyValuePair<string, string>> ToMetadata() =>
    [
        new(GenotypeKey, GenotypeJson),
        new(MeanKey, JsonSerializer.Serialize(NormalizationMean)),
        new(StdKey, JsonSerializer.Serialize(NormalizationStd)),
        new(ClassNamesKey, JsonSerializer.Serialize(ClassNames)),
        new(ImageShapeKey, JsonSerializer.Serialize(ImageShape)),
        new(VersionKey, ParsecVersion),
    ];

    /// <summary>Reads the keys back; <paramref name="source"/> names the model file in errors.</summary>
    public static ModelInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string source)
    {
        var info = new ModelInfo(Get(GenotypeKey), Parse<float[]>(MeanKey), Parse<float[]>(StdKey), Parse<string[]>(ClassNamesKey),
            Parse<int[]>(ImageShapeKey), Get(VersionKey));
        if (info.ImageShape.Length != 3 || info.NormalizationMean.Length != info.ImageShape[0] || info.ClassNames.Length < 2)
            throw new BadInputException($"{source}: metadata '{ImageShapeKey}' must be [C, H, W] with one normalisation mean and std per channel and at least 2 class names");
        _ = info.Normalization; // validates the statistics
        return info;

        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new BadInputException($"{source}: not a model exported by `parsec export` (metadata has no '{key}')");

        T Parse<T>(string key)
        {
            try { return JsonSerializer.Deserialize<T>(Get(key)) ?? throw new JsonException("null"); }
            catch (JsonException e) { throw new BadInputException($"{source}: metadata '{key}' is not valid JSON of the expected form ({e.Message})", e); }
        }
    }
}
