using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parsec.Autodiff;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>
/// options.json: the resolved <see cref="SearchOptions"/> in snake_case (enums as text) plus the backend the
/// run used and the precision it computed in. A resumed run reads the options back from it, so it continues the same computation.
/// </summary>
internal static class OptionsFile
{
    private const string BackendKey = "backend";
    private const string PrecisionKey = "precision";
    /// <summary>The images per class of the weights' part and pi's part (<see cref="SplitClasses"/>): a record of what ran, not an option.</summary>
    internal const string SplitClassesKey = "split_classes";

    /// <summary>How an option's property name becomes its key ("WeightLearningRate": "weight_learning_rate"); --config reads keys by the same rule.</summary>
    public static readonly JsonNamingPolicy KeyNaming = JsonNamingPolicy.SnakeCaseLower;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = KeyNaming,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write(string path, SearchOptions options, string backendName, Precision precision, SplitClasses? splitClasses = null)
    {
        var node = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        // A DARTS search's options.json is written as before spaces were chosen; a missing "space" reads as DARTS'.
        if (options.Space.Equals(Space.SearchSpace.Darts)) node.Remove(SpaceKey);
        node[BackendKey] = backendName;
        node[PrecisionKey] = precision.ToString().ToLowerInvariant();
        if (splitClasses is not null) node[SplitClassesKey] = splitClasses.ToJson();
        AtomicFile.WriteAllText(path, node.ToJsonString(Json));
    }

    /// <summary>The images per class of the run's two parts, or null when options.json does not record them (written before they were).</summary>
    public static SplitClasses? ReadSplitClasses(string path)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(path))?[SplitClassesKey] is not JsonObject split) return null;
            int[] Counts(string key) => (split[key] as JsonArray ?? throw new BadInputException($"{path}: '{SplitClassesKey}.{key}' is not a list")).Select(n => n!.GetValue<int>()).ToArray();
            var names = (split["classes"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToArray() ?? [];
            return new SplitClasses(names, Counts("weights"), Counts("pi"));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"{path}: not a valid options.json ({e.Message})", e);
        }
    }

    /// <summary>The backend the run was started on ("cpu", "cuda:0"), or null when options.json does not say.</summary>
    public static string? ReadBackend(string path) => ReadString(path, BackendKey);

    /// <summary>The precision the run computed in, or null when options.json does not say (written before it was recorded).</summary>
    public static Precision? ReadPrecision(string path) => ReadString(path, PrecisionKey) is { } text ? ParsePrecision(text, path) : null;

    internal static Precision ParsePrecision(string text, string path) =>
        Enum.TryParse<Precision>(text, ignoreCase: true, out var precision) && Enum.IsDefined(precision)
            ? precision
            : throw new BadInputException($"{path}: precision '{text}' is not one of fp32, tf32");

    private static string? ReadString(string path, string key)
    {
        try { return JsonNode.Parse(File.ReadAllText(path))?[key]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"{path}: not a valid options.json ({e.Message})", e);
        }
    }

    /// <summary>
    /// Options written before the split was stratified split in stored order, took file subsets in stored order and fed
    /// raw pixels; those written before --commit kept every choice open; those written before --augment trained the
    /// weights on batches as stored: they are read as such, so that those runs resume on the same data and the same
    /// computation.
    /// </summary>
    internal static void UpgradeOlderKeys(JsonObject search)
    {
        if (!search.ContainsKey(SplitKey)) search[SplitKey] = "first";
        if (!search.ContainsKey(PixelsKey)) search[PixelsKey] = "raw";
        if (!search.ContainsKey(CommitKey)) search[CommitKey] = "off";
        if (!search.ContainsKey(AugmentKey)) search[AugmentKey] = "none";
        Data.Files.DatasetSpec.UpgradeJson(search["dataset"]);
    }

    internal const string SplitKey = "split";
    private const string SpaceKey = "space";
    private const string PixelsKey = "pixels";
    private const string CommitKey = "commit";
    private const string AugmentKey = "augment";

    public static SearchOptions Read(string path)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new BadInputException($"{path}: empty options file");
            node.Remove(BackendKey);
            node.Remove(PrecisionKey);
            node.Remove(SplitClassesKey);
            FlatDatasetJson.Upgrade(node);
            UpgradeOlderKeys(node);
            var options = node.Deserialize<SearchOptions>(Json) ?? throw new BadInputException($"{path}: empty options file");
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new BadInputException($"{path}: not a valid options.json ({e.Message})", e);
        }
    }
}
