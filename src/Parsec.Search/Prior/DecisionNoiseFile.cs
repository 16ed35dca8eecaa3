using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Loop;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Prior;

/// <summary>
/// decision_noise.json, written beside pi.json at the end of a search: the noise floor of each block size's
/// margin (<see cref="DecisionNoise"/>), so that `derive` can tell decided choices from undecided ones without the run.
/// <code>{ "quantile": 0.95, "replays": 20, "pi_updates": 150, "thresholds": { "2": 0.07, ..., "7": 0.05 } }</code>
/// </summary>
public static class DecisionNoiseFile
{
    public const string FileName = "decision_noise.json";

    /// <summary>Replays the search in <paramref name="runPath"/> (its options and metrics.jsonl) and writes the file there.</summary>
    public static IReadOnlyDictionary<int, double>? Write(string runPath, SearchOptions options, int piUpdates)
    {
        var omegas = ReadOmegas(Path.Combine(runPath, MetricsFile.FileName));
        if (omegas.Count == 0 || piUpdates < 1) return null;
        var initial = options.PriorFrom is { } from ? PriorJson.Load(from).Logits : null;
        var replay = new DecisionNoise.Replay(options.TermInputs,
            new PriorOptimizerOptions(options.PriorLearningRate!.Value, options.PriorBeta1, options.PriorBeta2, options.PriorWeightDecay),
            options.PriorBaseline, omegas, piUpdates, initial);
        var thresholds = DecisionNoise.Thresholds(replay);
        var json = new JsonObject
        {
            ["quantile"] = DecisionNoise.Quantile,
            ["replays"] = DecisionNoise.DefaultReplays,
            ["pi_updates"] = piUpdates,
            ["thresholds"] = new JsonObject(thresholds.OrderBy(t => t.Key).Select(t => KeyValuePair.Create(t.Key.ToString(), (JsonNode?)t.Value))),
        };
        AtomicFile.WriteAllText(Path.Combine(runPath, FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return thresholds;
    }

    /// <summary>The thresholds written beside <paramref name="piPath"/>, or null when there are none (a pi.json on its own).</summary>
    public static IReadOnlyDictionary<int, double>? LoadBeside(string piPath)
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(piPath))!, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var thresholds = JsonNode.Parse(File.ReadAllText(path))?["thresholds"] as JsonObject
                ?? throw new FormatException($"{path}: no 'thresholds' object");
            return thresholds.ToDictionary(t => int.Parse(t.Key), t => t.Value!.GetValue<double>());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"{path}: not a valid {FileName} ({e.Message})", e);
        }
    }

    private static List<double[]> ReadOmegas(string metricsPath)
    {
        var omegas = new List<double[]>();
        if (!File.Exists(metricsPath)) return omegas;
        JsonLines.Read(metricsPath, (_, line) =>
        {
            if (line.TryGetProperty(MetricsFile.ValOmega, out var omega) && omega.ValueKind == JsonValueKind.Array)
                omegas.Add(omega.EnumerateArray().Select(w => w.GetDouble()).ToArray());
        }, new List<string>());
        return omegas;
    }
}
