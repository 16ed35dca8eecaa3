using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Parsec.Search.Study;

/// <summary>study.json: <see cref="StudyOptions"/> in snake_case with enums as text, as options.json writes search options.</summary>
internal static class StudyJson
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static string ToJson(StudyOptions options) => JsonSerializer.Serialize(options, Json);

    public static StudyOptions Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"{path} not found: not a study folder");
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new BadInputException($"{path}: empty study file");
            if (node["search"] is JsonObject search)
            {
                Loop.FlatDatasetJson.Upgrade(search);
                Loop.OptionsFile.UpgradeOlderKeys(search);
            }
            Data.Files.DatasetSpec.UpgradeJson(node["data"]);
            var options = node.Deserialize<StudyOptions>(Json) ?? throw new BadInputException($"{path}: empty study file");
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new BadInputException($"{path}: not a valid study.json ({e.Message})", e);
        }
    }
}
