using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Runs;

/// <summary>
/// options.json: the resolved <see cref="SearchOptions"/> in snake_case (enums as text) plus the backend the
/// run used. A resumed run reads the options back from it, so it continues the same computation.
/// </summary>
public static class OptionsFile
{
    private const string BackendKey = "backend";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Write(string path, SearchOptions options, string backendName)
    {
        var node = JsonSerializer.SerializeToNode(options, Json)!.AsObject();
        node[BackendKey] = backendName;
        AtomicFile.WriteAllText(path, node.ToJsonString(Json));
    }

    /// <summary>The backend the run was started on ("cpu", "cuda:0"), or null when options.json does not say.</summary>
    public static string? ReadBackend(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path))?[BackendKey]?.GetValue<string>(); }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new FormatException($"{path}: not a valid options.json ({e.Message})", e);
        }
    }

    public static SearchOptions Read(string path)
    {
        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new FormatException($"{path}: empty options file");
            node.Remove(BackendKey);
            var options = node.Deserialize<SearchOptions>(Json) ?? throw new FormatException($"{path}: empty options file");
            options.Validate();
            return options;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException($"{path}: not a valid options.json ({e.Message})", e);
        }
    }
}
