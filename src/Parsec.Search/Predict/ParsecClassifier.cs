using Parsec.Autodiff;
using Parsec.Search.Export;
using Parsec.Search.Model;
using Parsec.Search.Training;

namespace Parsec.Search.Predict;

/// <summary>A weights file written by `parsec train`, run by Parsec's engine in evaluation mode (running batch-norm statistics).</summary>
internal sealed class ParsecClassifier : IImageClassifier
{
    private readonly Network _network;
    private readonly Tape _tape;

    private ParsecClassifier(Network network, ModelInfo info)
    {
        _network = network;
        _tape = new Tape(network.Parameters.Backend);
        Info = info;
    }

    public ModelInfo Info { get; }

    public string Engine => $"parsec {_network.Parameters.Backend.Name}";

    /// <summary>Rebuilds the network a weights file (or run folder) describes on <paramref name="backend"/>, which stays the caller's.</summary>
    public static ParsecClassifier Load(IBackend backend, string weightsOrRun)
    {
        string file = WeightsEvaluation.ResolvePath(weightsOrRun);
        var (content, record) = EvaluationCheckpoint.Load(file);
        var network = Network.CreateFixed(backend, record.Options.Network(record.ImageShape[0], record.Classes), record.Genotype(file), new Rng(0));
        try { EvaluationCheckpoint.Apply(content, record, file, network, optimizer: null); }
        catch
        {
            network.Dispose();
            throw;
        }
        return new ParsecClassifier(network, ModelInfo.From(record));
    }

    public float[] Logits(float[] images, int count)
    {
        var backend = _network.Parameters.Backend;
        try
        {
            using var noGrad = _tape.NoGrad();
            using var x = Tensor.FromArray(backend, images, [count, .. Info.ImageShape]);
            return _network.Forward(_tape, x, ForwardMode.Evaluation).Logits.ToFloatArray();
        }
        finally { _tape.Reset(); }
    }

    public void Dispose()
    {
        _tape.Dispose();
        _network.Dispose();
    }
}
