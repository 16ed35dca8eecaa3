using System.Text;
using System.Text.Json;
using Parsec.Search.Reports;

namespace Parsec.Search.Training;

/// <summary>
/// One line of an evaluation training's metrics.jsonl (field names from <see cref="MetricsFile"/>, so the
/// report reads it): the epoch (1-based, epochs completed), its learning rate and drop-path probability,
/// training loss and top-1 accuracy (main classifier), test loss and accuracy when the epoch was tested,
/// wall-clock seconds (whole epoch, and the training part), and how long the step waited for input batches.
/// </summary>
public sealed record EpochMetrics(int Epoch, double LearningRate, double DropPath, double TrainLoss, double TrainAccuracy,
    double? TestLoss, double? TestAccuracy, double EpochSeconds, double TrainSeconds, double PipelineWaitMs, long PipelineWaits)
{
    public const string DropPathKey = "drop_path";
    public const string TrainSecondsKey = "train_seconds";
    public const string PipelineWaitsKey = "pipeline_waits";

    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber(MetricsFile.Epoch, Epoch);
            json.WriteNumber(MetricsFile.LearningRate, LearningRate);
            json.WriteNumber(DropPathKey, DropPath);
            Number(json, MetricsFile.TrainLoss, TrainLoss);
            Number(json, MetricsFile.TrainAcc, TrainAccuracy);
            if (TestLoss is double loss) Number(json, MetricsFile.TestLoss, loss);
            if (TestAccuracy is double acc) Number(json, MetricsFile.TestAcc, acc);
            json.WriteNumber(MetricsFile.EpochSeconds, Math.Round(EpochSeconds, 3));
            json.WriteNumber(TrainSecondsKey, Math.Round(TrainSeconds, 3));
            json.WriteNumber(MetricsFile.PipelineWaitMs, Math.Round(PipelineWaitMs, 3));
            json.WriteNumber(PipelineWaitsKey, PipelineWaits);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Appends the line and flushes it, so a report drawn during training sees every finished epoch.</summary>
    public void AppendTo(string path) => File.AppendAllText(path, ToJsonLine() + "\n");

    /// <summary>Non-finite values (a diverged step) are written as strings, which the metrics reader understands.</summary>
    private static void Number(Utf8JsonWriter json, string key, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(key, value);
        else json.WriteString(key, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
