using System.Globalization;
using System.Text;
using Parsec.Search.Space;

namespace Parsec.Tests.Reports;

/// <summary>Writes small run folders in the format a search or an evaluation training leaves behind.</summary>
internal sealed class SyntheticRun : IDisposable
{
    public SyntheticRun()
    {
        Directory = Path.Combine(Path.GetTempPath(), "parsec-report-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static readonly Genotype Genotype = new(
        [new(Primitives.SepConv3x3, 0), new(Primitives.SepConv3x3, 1), new(Primitives.SkipConnect, 0), new(Primitives.SepConv5x5, 2),
         new(Primitives.DilConv3x3, 1), new(Primitives.MaxPool3x3, 3), new(Primitives.AvgPool3x3, 0), new(Primitives.DilConv5x5, 4)],
        [new(Primitives.MaxPool3x3, 0), new(Primitives.MaxPool3x3, 1), new(Primitives.SkipConnect, 2), new(Primitives.MaxPool3x3, 1),
         new(Primitives.SkipConnect, 2), new(Primitives.AvgPool3x3, 0), new(Primitives.SkipConnect, 2), new(Primitives.SepConv5x5, 3)]);

    /// <summary>A search log: noisy losses falling, accuracies rising, both entropies shrinking.</summary>
    public SyntheticRun WithSearchMetrics(int iterations)
    {
        var rng = new Random(7);
        var text = new StringBuilder();
        for (int i = 0; i < iterations; i++)
        {
            double t = i / (double)iterations;
            text.Append(Inv($"{{\"iteration\":{i},\"epoch\":{i / 50},\"lr\":{0.001 + 0.012 * (1 + Math.Cos(Math.PI * t))},") +
                Inv($"\"train_loss\":{2.3 * Math.Exp(-2 * t) + 0.2 * rng.NextDouble()},\"train_acc\":{0.1 + 0.8 * t + 0.05 * rng.NextDouble()},") +
                Inv($"\"val_loss\":{2.3 * Math.Exp(-1.5 * t) + 0.2 * rng.NextDouble()},\"val_acc\":{0.1 + 0.7 * t + 0.05 * rng.NextDouble()},") +
                Inv($"\"weight_entropy\":{2.7 * Math.Exp(-3 * t)},\"pi_entropy\":{40 - 15 * t},\"samples_per_s\":{900 + 40 * rng.NextDouble()},") +
                Inv($"\"step_ms\":{70 + 4 * rng.NextDouble()},\"memory_mib\":{(i < 5 ? 900 : 1480)}}}\n"));
        }
        File.WriteAllText(PathOf("metrics.jsonl"), text.ToString());
        return this;
    }

    /// <summary>An evaluation-training log: one line per epoch against the test set.</summary>
    public SyntheticRun WithEvaluationMetrics(int epochs)
    {
        var text = new StringBuilder();
        for (int e = 0; e < epochs; e++)
        {
            double t = e / (double)epochs;
            text.Append(Inv($"{{\"epoch\":{e},\"lr\":{0.025 * (1 + Math.Cos(Math.PI * t)) / 2},\"train_loss\":{1.8 * Math.Exp(-2 * t) + 0.1},") +
                Inv($"\"train_acc\":{0.4 + 0.55 * t},\"test_loss\":{1.6 * Math.Exp(-2 * t) + 0.2},\"test_acc\":{0.45 + 0.5 * t},") +
                Inv($"\"epoch_seconds\":{31 + (e % 3)},\"pipeline_wait_ms\":{120 + 10 * (e % 4)}}}\n"));
        }
        File.WriteAllText(PathOf("metrics.jsonl"), text.ToString());
        return this;
    }

    /// <summary>pi drifting from uniform towards a fixed winner per categorical.</summary>
    public SyntheticRun WithPiHistory(int snapshots, int every = 10)
    {
        var text = new StringBuilder();
        for (int s = 0; s < snapshots; s++)
        {
            double t = s / (double)Math.Max(1, snapshots - 1);
            text.Append(Inv($"{{\"iteration\":{s * every},\"normal\":{CellJson(t, 0)},\"reduce\":{CellJson(t, 3)}}}\n"));
        }
        File.WriteAllText(PathOf("pi_history.jsonl"), text.ToString());
        return this;
    }

    public SyntheticRun WithGenotype()
    {
        File.WriteAllText(PathOf("genotype.json"), Genotype.ToJson());
        return this;
    }

    public static string CellJson(double t, int shift)
    {
        var inputs = new List<string>();
        var ops = new List<string>();
        for (int k = 0; k < SearchSpace.Darts.Terms; k++)
        {
            int n = k / CellLayout.TermsPerNode + 2;
            inputs.Add(Probabilities(n, (k + shift) % n, t));
            ops.Add(Probabilities(SearchSpace.Darts.Ops.Count, (3 * k + shift) % SearchSpace.Darts.Ops.Count, t));
        }
        return $"{{\"inputs\":[{string.Join(",", inputs)}],\"ops\":[{string.Join(",", ops)}]}}";
    }

    public static string Probabilities(int n, int winner, double t)
    {
        var logits = Enumerable.Range(0, n).Select(i => i == winner ? 4 * t : 0.5 * (i % 3) * t).ToArray();
        double max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = e.Sum();
        return "[" + string.Join(",", e.Select(v => (v / sum).ToString("R", CultureInfo.InvariantCulture))) + "]";
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
