using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>
/// Writes decision_noise.json (<see cref="DecisionNoiseFile"/>) at the end of a search: it replays the search's prior
/// updates with <see cref="DecisionNoise"/>, so it lives beside the loop whose updates it replays.
/// </summary>
internal static class DecisionNoiseWriter
{
    /// <summary>Replays the search in <paramref name="runPath"/> (its options and metrics.jsonl; <paramref name="cost"/>: its cost term when it is cost-aware) and writes the file there.</summary>
    public static IReadOnlyDictionary<int, double>? Write(string runPath, SearchOptions options, int piUpdates, SearchCost? cost)
    {
        var omegas = ReadOmegas(Path.Combine(runPath, MetricsFile.FileName));
        if (omegas.Count == 0 || piUpdates < 1) return null;
        var thresholds = DecisionNoise.Thresholds(DecisionNoise.Replay.Of(options, omegas, piUpdates, cost));
        var json = new JsonObject
        {
            ["quantile"] = DecisionNoise.Quantile,
            ["replays"] = DecisionNoise.DefaultReplays,
            ["pi_updates"] = piUpdates,
            ["thresholds"] = new JsonObject(thresholds.OrderBy(t => t.Key).Select(t => KeyValuePair.Create(t.Key.ToString(), (JsonNode?)t.Value))),
        };
        AtomicFile.WriteAllText(Path.Combine(runPath, DecisionNoiseFile.FileName), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return thresholds;
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
