using System.Text.Json;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports;

/// <summary>One line of metrics.jsonl: its numeric fields by name (fields that are absent, null or text are left out).</summary>
internal sealed record MetricsRow(int LineNumber, IReadOnlyDictionary<string, double> Values)
{
    public bool TryGet(string key, out double value) => Values.TryGetValue(key, out value);
}

/// <summary>The contents of a metrics.jsonl: per-iteration lines of a search, or per-epoch lines of an evaluation training.</summary>
internal sealed class MetricsLog
{
    public MetricsLog(string path, IReadOnlyList<MetricsRow> rows, IReadOnlyList<string> warnings)
    {
        Path = path;
        Rows = rows;
        Warnings = warnings;
        XKey = rows.Any(r => r.Values.ContainsKey(MetricsFile.Iteration)) ? MetricsFile.Iteration
             : rows.Any(r => r.Values.ContainsKey(MetricsFile.Epoch)) ? MetricsFile.Epoch
             : null;
    }

    public string Path { get; }
    public IReadOnlyList<MetricsRow> Rows { get; }
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The field plotted along x: "iteration" for a search, "epoch" for an evaluation training, null when neither is logged (rows are then numbered).</summary>
    public string? XKey { get; }

    /// <summary>A search logs per iteration and carries pi and importance-weight entropies; an evaluation training logs per epoch against a test set.</summary>
    public bool IsSearch => XKey == MetricsFile.Iteration;

    public bool Has(string key) => Rows.Any(r => r.Values.TryGetValue(key, out double v) && double.IsFinite(v));

    /// <summary>The finite (x, y) points of one field, in file order; rows without the field, or with NaN/infinite values (a diverged step), are skipped.</summary>
    public (double[] X, double[] Y) Series(string key)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int i = 0; i < Rows.Count; i++)
        {
            var row = Rows[i];
            if (!row.TryGet(key, out double y) || !double.IsFinite(y)) continue;
            double x = i + 1;
            if (XKey is not null && (!row.TryGet(XKey, out x) || !double.IsFinite(x))) continue;
            xs.Add(x);
            ys.Add(y);
        }
        return (xs.ToArray(), ys.ToArray());
    }
}

/// <summary>Reads metrics.jsonl.</summary>
internal static class MetricsFile
{
    public const string FileName = "metrics.jsonl";

    public const string Iteration = "iteration";
    public const string Epoch = "epoch";
    public const string LearningRate = "lr";
    public const string TrainLoss = "train_loss";
    public const string TrainAcc = "train_acc";
    public const string ValLoss = "val_loss";
    public const string ValAcc = "val_acc";
    /// <summary>A search iteration of the warm-up (true/false).</summary>
    public const string Warmup = "warmup";
    public const string ValEffectiveSamples = "val_ess";
    /// <summary>The K importance weights of the pi gradient (an array).</summary>
    public const string ValOmega = "val_omega";
    public const string TestLoss = "test_loss";
    public const string TestAcc = "test_acc";
    public const string WeightEntropy = "weight_entropy";
    public const string PiEntropy = "pi_entropy";
    public const string SamplesPerSecond = "samples_per_s";
    public const string StepMs = "step_ms";
    public const string MemoryMib = "memory_mib";
    public const string EpochSeconds = "epoch_seconds";
    public const string PipelineWaitMs = "pipeline_wait_ms";

    /// <summary>Fields of the contract that must be numbers when present; text in one of them means the line is corrupt, not merely richer than expected.</summary>
    private static readonly HashSet<string> NumericFields =
    [
        Iteration, Epoch, LearningRate, TrainLoss, TrainAcc, ValLoss, ValAcc, TestLoss, TestAcc,
        WeightEntropy, PiEntropy, SamplesPerSecond, StepMs, MemoryMib, EpochSeconds, PipelineWaitMs,
    ];

    public static MetricsLog Read(string path)
    {
        var rows = new List<MetricsRow>();
        var warnings = new List<string>();
        JsonLines.Read(path, (lineNumber, obj) =>
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var field in obj.EnumerateObject())
            {
                if (JsonLines.TryGetNumber(field.Value, out double v))
                    values[field.Name] = v;
                else if (NumericFields.Contains(field.Name) && field.Value.ValueKind != JsonValueKind.Null)
                    throw new RunFileFormatException(path, lineNumber, $"field '{field.Name}' should be a number, found {JsonLines.Describe(field.Value.ValueKind)}");
            }
            rows.Add(new MetricsRow(lineNumber, values));
        }, warnings);
        return new MetricsLog(path, rows, warnings);
    }
}
