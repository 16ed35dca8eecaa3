using Parsec.Autodiff;
using Parsec.Search.Model.Layers;
using Parsec.Search.Space;

namespace Parsec.Search.Model;

/// <summary>
/// A DARTS-space network: stem (3x3 conv to StemMultiplier * C channels, affine BN), L cells with reductions
/// at L/3 and 2L/3 (channels doubled there), global average pooling and a linear classifier; optionally
/// DARTS' auxiliary head after cell 2L/3. Built in one of two forms from the same code:
/// <list type="bullet">
/// <item><see cref="CreateShared"/>: every candidate op of every edge, so any sampled architecture can run
///   (PARSEC's shared weights), and DARTS' all-candidates mixed forward (<see cref="ForwardMixed"/>).</item>
/// <item><see cref="CreateFixed"/>: only one genotype's ops (evaluation training, or a single architecture).</item>
/// </list>
/// Parameter and buffer names (stable; they key checkpoints and weight files):
/// <code>
/// stem.0.weight                                  stem convolution
/// stem.1.{weight,bias,running_mean,running_var}  stem batch norm
/// cells.{c}.preprocess0.op.1.weight, .op.2.*     ReLU-Conv1x1-BN of the input from two cells back
/// cells.{c}.preprocess0.conv_1/conv_2/bn.*       ... or a factorized reduction when cell c-1 was a reduction
/// cells.{c}.preprocess1.op.1.weight, .op.2.*     ReLU-Conv1x1-BN of the previous cell's output
/// cells.{c}.node{j}.input{i}.{op}.*              shared form: op on edge (node j, input i)
/// cells.{c}.node{j}.term{t}.{op}.*               fixed form: term t of node j
///    {op}.op.1/2/3 (dil_conv), .op.1/2/3/5/6/7 (sep_conv), .1.* (pool's BN, search phase),
///    .conv_1/.conv_2/.bn (stride-2 skip_connect)
/// auxiliary_head.features.{2,3,5,6}.*, auxiliary_head.classifier.*
/// classifier.weight, classifier.bias
/// </code>
/// Nodes j = 0..3 (in the DARTS space) are the intermediate nodes; inputs 0 and 1 are the cell inputs, 2 + j the intermediate nodes.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly Conv2dLayer _stemConv;
    private readonly BatchNormLayer _stemNorm;
    private readonly List<Cell> _cells = [];
    private readonly AuxiliaryHead? _auxiliary;
    private readonly LinearLayer _classifier;

    private Network(IBackend backend, NetworkOptions options, Rng initRng, Architecture? fixedArchitecture)
    {
        options.Validate();
        Options = options;
        FixedArchitecture = fixedArchitecture;
        DropPathProbability = options.DropPathProbability;
        Parameters = new ParameterStore(backend, options.DType, initRng);
        var root = new ModuleScope(Parameters, "");

        int stemChannels = options.StemMultiplier * options.Channels;
        _stemConv = new Conv2dLayer(root.Child("stem.0"), options.InputChannels, stemChannels, 3, padding: 1);
        _stemNorm = new BatchNormLayer(root.Child("stem.1"), stemChannels, Affinity.Affine);

        int prevPrev = stemChannels, prev = stemChannels, channels = options.Channels;
        bool afterReduction = false;
        var space = fixedArchitecture?.Space ?? options.Space;
        for (int i = 0; i < options.Layers; i++)
        {
            bool reduction = options.IsReduction(i);
            if (reduction) channels *= 2;
            var type = reduction ? CellType.Reduce : CellType.Normal;
            var shape = new CellShape(type, prevPrev, prev, channels, afterReduction, space.Nodes);
            var scope = root.Child($"cells.{i}");
            _cells.Add(fixedArchitecture is null
                ? Cell.Shared(scope, shape, options.Phase, space)
                : Cell.Fixed(scope, shape, options.Phase, space, fixedArchitecture.Of(type)));
            afterReduction = reduction;
            (prevPrev, prev) = (prev, shape.OutputChannels);
            if (i == options.AuxiliaryCell && options.Auxiliary == AuxiliaryClassifier.AtTwoThirdsDepth)
                _auxiliary = new AuxiliaryHead(root.Child("auxiliary_head"), prev, options.Classes);
        }
        _classifier = new LinearLayer(root.Child("classifier"), prev, options.Classes);
    }

    public NetworkOptions Options { get; }
    public ParameterStore Parameters { get; }
    public IReadOnlyList<Cell> Cells => _cells;

    /// <summary>The genotype a fixed network was built for; null for the shared network.</summary>
    public Architecture? FixedArchitecture { get; }

    /// <summary>Drop-path probability of training-mode passes; starts at the option's value, trainers may ramp it per epoch.</summary>
    public double DropPathProbability { get; set; }

    /// <summary>The shared network: weights for every candidate op of every edge. <paramref name="initRng"/> draws the initial weights.</summary>
    public static Network CreateShared(IBackend backend, NetworkOptions options, Rng initRng) => new(backend, options, initRng, null);

    /// <summary>A network holding only <paramref name="genotype"/>'s ops.</summary>
    public static Network CreateFixed(IBackend backend, NetworkOptions options, Genotype genotype, Rng initRng) =>
        new(backend, options, initRng, Architecture.FromGenotype(genotype));

    /// <summary>Runs architecture <paramref name="architecture"/> (any, on the shared network; its own genotype, on a fixed one).</summary>
    public NetworkOutput Forward(Tape tape, Tensor images, Architecture architecture, ForwardMode mode)
    {
        var s0 = Stem(tape, images, mode.Norm);
        var s1 = s0;
        var dropPath = mode.Norm == NormMode.Training && DropPathProbability > 0 ? new DropPath(DropPathProbability, mode.DropPathRng) : DropPath.Off;
        Tensor? auxiliaryLogits = null;
        for (int i = 0; i < _cells.Count; i++)
        {
            var cell = _cells[i];
            (s0, s1) = (s1, cell.Forward(tape, s0, s1, architecture.Of(cell.Shape.Type), mode.Norm, dropPath));
            if (i == Options.AuxiliaryCell && _auxiliary is not null && mode.Norm == NormMode.Training)
                auxiliaryLogits = _auxiliary.Forward(tape, s1, mode.Norm);
        }
        return new NetworkOutput(Head(tape, s1), auxiliaryLogits);
    }

    /// <summary>The forward of a fixed network's own genotype.</summary>
    public NetworkOutput Forward(Tape tape, Tensor images, ForwardMode mode) =>
        Forward(tape, images, FixedArchitecture ?? throw new InvalidOperationException("the shared network needs an architecture to run"), mode);

    /// <summary>DARTS' supernet forward: every candidate of every edge runs, weighted by <paramref name="weights"/>.</summary>
    public Tensor ForwardMixed(Tape tape, Tensor images, MixedOpWeights weights, NormMode norm)
    {
        var s0 = Stem(tape, images, norm);
        var s1 = s0;
        foreach (var cell in _cells) (s0, s1) = (s1, cell.ForwardMixed(tape, s0, s1, weights, norm));
        return Head(tape, s1);
    }

    public void Dispose() => Parameters.Dispose();

    private Tensor Stem(Tape tape, Tensor images, NormMode norm)
    {
        if (images.Rank != 4 || images.Shape[1] != Options.InputChannels || images.DType != Options.DType)
            throw new ArgumentException($"the network expects {Options.DType} images (N, {Options.InputChannels}, H, W), got ({string.Join(", ", images.Shape)}) {images.DType}");
        int halvings = Enumerable.Range(0, Options.Layers).Count(Options.IsReduction);
        int multiple = 1 << halvings;
        if (images.Shape[2] % multiple != 0 || images.Shape[3] % multiple != 0)
            throw new ArgumentException($"image height and width must be divisible by {multiple} (the network halves them {halvings} times, each with a factorized reduction that needs even sizes); got {images.Shape[2]}x{images.Shape[3]}");
        return _stemNorm.Forward(tape, _stemConv.Forward(tape, images), norm);
    }

    private Tensor Head(Tape tape, Tensor features) => _classifier.Forward(tape, tape.GlobalAvgPool(features));
}
