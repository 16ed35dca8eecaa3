using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Training;

namespace Parsec.Search.Bench;

/// <summary>The network, optimizer and loss of one benchmark case: what <see cref="StepBenchmark"/> times a step of.</summary>
internal interface IBenchmarkWorkload : IDisposable
{
    long Parameters { get; }

    /// <summary>Forward, loss and backward of one batch (the caller resets the tape), then the optimizer's step.</summary>
    void Step(Tape tape, Tensor images, Tensor labels, Rng rng);
}

/// <summary>
/// The reference script's "sampled" step: a new architecture every step (two distinct inputs per node, uniform
/// ops), all candidate weights held; SGD with momentum 0.9 and weight decay 3e-4.
/// </summary>
internal sealed class SampledSearchWorkload : IBenchmarkWorkload
{
    private readonly Network _network;
    private readonly ArchitecturePrior _prior = new(TermInputs.DistinctPerNode);
    private readonly Sgd _optimizer;

    public SampledSearchWorkload(IBackend backend, BenchmarkCase benchmark, Rng initRng)
    {
        _network = Network.CreateShared(backend, new NetworkOptions { Channels = benchmark.Channels, Layers = benchmark.Layers, Classes = 10 }, initRng);
        _optimizer = new Sgd(_network.Parameters.Weights, momentum: 0.9, weightDecay: 3e-4);
    }

    public long Parameters => _network.Parameters.WeightElementCount;

    public void Step(Tape tape, Tensor images, Tensor labels, Rng rng)
    {
        _optimizer.ZeroGrad();
        var logits = _network.Forward(tape, images, _prior.Sample(rng), ForwardMode.Training).Logits;
        tape.Backward(tape.SoftmaxCrossEntropy(logits, labels).Loss);
        _optimizer.Step(0.025);
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
    }
}

/// <summary>
/// A step of `parsec train` (<see cref="EvaluationRun"/>) on the DARTS_V2 genotype: the evaluation network (affine
/// norms, bare pools), drop path, the auxiliary head's loss weighted 0.4 when it has one, gradient clipping at 5,
/// SGD with momentum 0.9 and weight decay 3e-4.
/// </summary>
internal sealed class EvaluationWorkload : IBenchmarkWorkload
{
    private const double AuxiliaryWeight = 0.4, GradientClip = 5, LearningRate = 0.025;
    private readonly Network _network;
    private readonly Sgd _optimizer;

    public EvaluationWorkload(IBackend backend, BenchmarkCase benchmark, Rng initRng)
    {
        var options = new EvaluationOptions
        {
            Channels = benchmark.Channels, Layers = benchmark.Layers, BatchSize = benchmark.BatchSize,
            Auxiliary = benchmark.Auxiliary, DropPath = benchmark.DropPath,
        };
        _network = Network.CreateFixed(backend, options.Network(3, 10), PublishedGenotypes.DartsV2, initRng);
        _network.DropPathProbability = benchmark.DropPath;
        _optimizer = new Sgd(_network.Parameters.Weights, momentum: 0.9, weightDecay: 3e-4);
    }

    public long Parameters => _network.Parameters.WeightElementCount;

    public void Step(Tape tape, Tensor images, Tensor labels, Rng rng)
    {
        _optimizer.ZeroGrad();
        var output = _network.Forward(tape, images, new ForwardMode(NormMode.Training, rng));
        var loss = tape.SoftmaxCrossEntropy(output.Logits, labels).Loss;
        if (output.AuxiliaryLogits is { } aux) loss = tape.Add(loss, tape.Scale(tape.SoftmaxCrossEntropy(aux, labels).Loss, AuxiliaryWeight));
        tape.Backward(loss);
        GradientClipping.ClipByGlobalNorm(_optimizer.Parameters, GradientClip);
        _optimizer.Step(LearningRate);
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _network.Dispose();
    }
}
