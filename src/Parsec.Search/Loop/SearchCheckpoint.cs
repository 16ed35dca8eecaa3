using Parsec.Search.Data.Pipeline;
using Parsec.Search.Model.Layers;
using System.Text.Json;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Model;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>The state of a search after a completed iteration, apart from the network's tensors.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="PriorLogits">theta.</param>
/// <param name="PriorOptimizer">Adam's moments and step count for theta.</param>
/// <param name="WeightOptimizerSteps">SGD steps taken (its momentum buffers are stored as tensors).</param>
/// <param name="ArchitectureRng">The generator that samples architectures.</param>
/// <param name="TrainBatches">Position in the weight half's batch order.</param>
/// <param name="ValidationBatches">Position in the pi half's batch order.</param>
/// <param name="CostMultiplier">The cost constraint's multiplier (searches with a cost target; null otherwise and in checkpoints from before).</param>
/// <param name="PiOmegas">With --commit decided: the importance weights of every pi update so far, which the noise floor replays; null otherwise.</param>
/// <param name="CommittedBlocks">With --commit decided: pi's committed blocks (their values are in the logits); null otherwise.</param>
internal sealed record SearchProgress(
    int Iteration,
    double[] PriorLogits,
    OptimizerState PriorOptimizer,
    int WeightOptimizerSteps,
    ulong[] ArchitectureRng,
    BatchSamplerState TrainBatches,
    BatchSamplerState ValidationBatches,
    double? CostMultiplier = null,
    double[][]? PiOmegas = null,
    int[]? CommittedBlocks = null);

/// <summary>
/// One file, checkpoint.safetensors, written atomically (temporary file + rename): every weight and batch-norm
/// buffer under its parameter name, SGD's momentum under "optimizer/{name}/momentum", and the rest of the
/// state (<see cref="SearchProgress"/>) as JSON in the metadata entry "parsec.search_state". Float32 values are
/// stored bit for bit and doubles as round-trip JSON, so a resumed run continues exactly. A state that is not
/// finite is refused (<see cref="FiniteState"/>), and loading verifies each tensor's checksum.
/// </summary>
internal static class SearchCheckpoint
{
    private const string StateKey = "parsec.search_state";
    private const string FormatKey = "format";
    private const string Format = "parsec-search-checkpoint/1";
    private const string OptimizerPrefix = "optimizer/";

    public static void Save(string path, ParameterStore parameters, OptimizerState weightOptimizer, SearchProgress progress)
    {
        var tensors = CheckedTensors(path, parameters, weightOptimizer, progress);
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = Format,
            [StateKey] = JsonSerializer.Serialize(progress),
        };
        SafeTensorsWriter.WriteFile(path, tensors, metadata);
    }

    /// <summary>
    /// What a checkpoint would hold, once its whole state is checked finite (<see cref="FiniteState"/>): the check
    /// alone, without the file, is what the ranks of a distributed search that do not write run, so that every rank
    /// stops at the same iteration.
    /// </summary>
    public static List<NamedTensor> CheckedTensors(string path, ParameterStore parameters, OptimizerState weightOptimizer, SearchProgress progress)
    {
        if (parameters.DType != DType.Float32)
            throw new NotSupportedException($"checkpoints store Float32 networks; this one is {parameters.DType}");
        var tensors = parameters.All.Select(t => new NamedTensor(t.Name!, t.Shape, t.ToFloatArray())).ToList();
        foreach (var (key, values) in weightOptimizer.Buffers)
        {
            var owner = parameters[key[..key.LastIndexOf('/')]];
            tensors.Add(new NamedTensor(OptimizerPrefix + key, owner.Shape, Array.ConvertAll(values, v => (float)v)));
        }
        FiniteState.Require(path, tensors,
            progress.PriorOptimizer.Buffers.Select(b => ($"prior optimizer/{b.Key}", b.Value)).Prepend(("prior logits (theta)", progress.PriorLogits)));
        return tensors;
    }

    /// <summary>Copies the stored tensors into <paramref name="parameters"/> and returns the rest of the state and SGD's.</summary>
    public static (SearchProgress Progress, OptimizerState WeightOptimizer) Load(string path, ParameterStore parameters)
    {
        var content = SafeTensorsReader.ReadFile(path);
        TensorChecksums.Require(content, path);
        if (!content.Metadata.TryGetValue(FormatKey, out var format) || format != Format)
            throw new BadInputException($"{path}: not a search checkpoint (metadata 'format' should be '{Format}')");
        SearchProgress progress;
        try
        {
            progress = JsonSerializer.Deserialize<SearchProgress>(content.GetMetadata(StateKey, path))
                ?? throw new BadInputException($"{path}: empty search state");
        }
        catch (JsonException e) { throw new BadInputException($"{path}: unreadable search state ({e.Message})", e); }

        foreach (var t in parameters.All)
        {
            var stored = content.Get(t.Name!, path);
            if (!stored.Shape.AsSpan().SequenceEqual(t.Shape))
                throw new BadInputException($"{path}: '{t.Name}' has shape ({string.Join(", ", stored.Shape)}), the network expects ({string.Join(", ", t.Shape)}): was it written for other network options?");
            t.Backend.CopyIn(t.Storage, stored.Data);
        }
        var buffers = content.Tensors.Where(t => t.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal))
            .ToDictionary(t => t.Name[OptimizerPrefix.Length..], t => Array.ConvertAll(t.Data, v => (double)v));
        var weightOptimizer = new OptimizerState { Algorithm = "sgd", Step = progress.WeightOptimizerSteps, Buffers = buffers };
        return (progress, weightOptimizer);
    }
}
