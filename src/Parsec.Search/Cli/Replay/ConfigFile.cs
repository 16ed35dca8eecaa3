using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parsec.Search.Cli.Replay;

/// <summary>Reads the JSON object a --config file holds; every failure names the file.</summary>
internal static class ConfigFile
{
    public static JsonObject Read(string path)
    {
        if (Directory.Exists(path))
            throw new BadInputException($"{ConfigurableSettings.Flag}: {path} is a folder; name the file, such as {Path.Combine(path, "options.json")}");
        if (!File.Exists(path))
            throw new BadInputException($"{ConfigurableSettings.Flag}: file not found: {path} (expected a run's options.json or a JSON object of options)");
        try
        {
            var options = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new BadInputException($"{path}: expected a JSON object of options, such as a run's options.json");
            // A key written twice is an error here rather than one of them silently winning.
            _ = options.Count;
            return options;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            throw new BadInputException($"{path}: not a valid config file ({e.Message})", e);
        }
    }
}
