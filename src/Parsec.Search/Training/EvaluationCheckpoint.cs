using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Training;

/// <summary>
/// A training run's state as one safetensors file: the network's weights and batch-norm statistics under
/// their module names, the optimizer's buffers under "optimizer/{parameter}/{slot}", and a
/// <see cref="TrainingRecord"/> in the metadata. Without optimizer buffers the same layout is the final
/// weights file. Written atomically (temporary file, then rename), so a crash keeps the previous checkpoint;
/// only a finite state is written, and loading verifies each tensor's checksum.
/// </summary>
internal static class EvaluationCheckpoint
{
    public const string CheckpointFileName = "checkpoint.safetensors";
    public const string WeightsFileName = "weights.safetensors";
    public const string OptimizerPrefix = "optimizer/";

    public static void Save(string path, Network network, Optimizer? optimizer, TrainingRecord record)
    {
        var tensors = NetworkWeights.Export(network.Parameters);
        if (optimizer is not null)
        {
            var shapes = network.Parameters.Weights.ToDictionary(w => w.Name!, w => w.Shape, StringComparer.Ordinal);
            foreach (var (key, values) in optimizer.ExportState().Buffers.OrderBy(b => b.Key, StringComparer.Ordinal))
            {
                string parameter = key[..key.LastIndexOf('/')];
                tensors.Add(new NamedTensor(OptimizerPrefix + key, shapes[parameter], Array.ConvertAll(values, v => (float)v)));
            }
        }
        RunFiles.FiniteState.Require(path, tensors);
        SafeTensorsWriter.WriteFile(path, tensors, record.ToMetadata());
    }

    /// <summary>Reads and checks a checkpoint or weights file; nothing is applied yet.</summary>
    public static (SafeTensorsContent Content, TrainingRecord Record) Load(string path)
    {
        var content = SafeTensorsReader.ReadFile(path);
        TensorChecksums.Require(content, path);
        return (content, TrainingRecord.FromMetadata(content.Metadata, path));
    }

    /// <summary>Copies the weights (and, when given, the optimizer state) of a loaded file into a network built from its record.</summary>
    public static void Apply(SafeTensorsContent content, TrainingRecord record, string source, Network network, Optimizer? optimizer)
    {
        NetworkWeights.Import(network.Parameters, content, source, OptimizerPrefix);
        if (optimizer is null) return;
        var buffers = content.Tensors
            .Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[OptimizerPrefix.Length..], t => Array.ConvertAll(t.Data, v => (double)v));
        optimizer.ImportState(new OptimizerState { Algorithm = optimizer.Algorithm, Step = record.OptimizerStep, Buffers = buffers });
    }
}
