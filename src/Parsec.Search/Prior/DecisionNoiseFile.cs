using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parsec.Search.Prior;

/// <summary>
/// decision_noise.json, written beside pi.json at the end of a search: the noise floor of each block size's
/// margin (Loop's DecisionNoise replays the search to measure it and writes the file), so that `derive` can tell
/// decided choices from undecided ones without the run.
/// <code>{ "quantile": 0.95, "replays": 20, "pi_updates": 150, "thresholds": { "2": 0.07, ..., "7": 0.05 } }</code>
/// </summary>
internal static class DecisionNoiseFile
{
    public const string FileName = "decision_noise.json";

    /// <summary>The thresholds written beside <paramref name="piPath"/>, or null when there are none (a pi.json on its own).</summary>
    public static IReadOnlyDictionary<int, double>? LoadBeside(string piPath)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(piPath))!, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var thresholds = JsonNode.Parse(File.ReadAllText(path))?["thresholds"] as JsonObject
                ?? throw new BadInputException($"{path}: no 'thresholds' object");
            return thresholds.ToDictionary(t => int.Parse(t.Key), t => t.Value!.GetValue<double>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new BadInputException($"{path}: not a valid {FileName} ({e.Message})", e);
        }
    }
}
