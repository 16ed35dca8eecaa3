using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Model;

namespace Parsec.Search.Training;

/// <summary>The accuracy of trained weights on a test set.</summary>
internal sealed record WeightsEvaluationResult(string WeightsPath, TrainingRecord Record, string Dataset, ClassificationTally Tally, IReadOnlyList<string> ClassNames);

/// <summary>
/// Rebuilds the network a weights or checkpoint file was trained as (genotype, size and normalisation come
/// from its metadata) and measures top-1, top-k and per-class accuracy on a dataset's test set.
/// </summary>
internal static class WeightsEvaluation
{
    /// <summary>A file, or a run folder (its final weights, else its last checkpoint).</summary>
    public static string ResolvePath(string path)
    {
        if (File.Exists(path)) return path;
        if (Directory.Exists(path))
        {
            foreach (string name in new[] { EvaluationCheckpoint.WeightsFileName, EvaluationCheckpoint.CheckpointFileName })
                if (File.Exists(Path.Combine(path, name))) return Path.Combine(path, name);
            throw new BadInputException($"{path}: a run folder with neither {EvaluationCheckpoint.WeightsFileName} nor {EvaluationCheckpoint.CheckpointFileName}");
        }
        throw new BadInputException($"weights not found: {path} (expected a .safetensors file written by `parsec train`, or its run folder)");
    }

    /// <param name="data">The dataset to test on; null for the one the weights were trained on.</param>
    public static WeightsEvaluationResult Evaluate(IBackend backend, string path, DatasetSplits? data, int? batchSize = null, int topK = 5,
        CancellationToken cancel = default)
    {
        string file = ResolvePath(path);
        var (content, record) = EvaluationCheckpoint.Load(file);
        data ??= DatasetSplitsLoader.Load(record.Dataset);
        if (!data.Test.ImageShape.AsSpan().SequenceEqual(record.ImageShape) || data.Classes != record.Classes)
            throw new BadInputException(
                $"{data.Source}: test images {string.Join("x", data.Test.ImageShape)} with {data.Classes} classes do not fit weights trained on {string.Join("x", record.ImageShape)} with {record.Classes} classes ({file})");
        var options = record.Options;
        using var network = Network.CreateFixed(backend, options.Network(record.ImageShape[0], record.Classes), record.Genotype(file), new Rng(options.Seed));
        EvaluationCheckpoint.Apply(content, record, file, network, optimizer: null);
        using var tape = new Tape(backend);
        using var loader = new BatchLoader(data.Test, record.Normalization, BatchLoaderOptions.Evaluation(batchSize ?? options.BatchSize), new Rng(0));
        var tally = ModelEvaluator.Evaluate(network, tape, loader, topK, cancel);
        return new WeightsEvaluationResult(file, record, data.Dataset, tally, data.Test.ClassNames);
    }
}
