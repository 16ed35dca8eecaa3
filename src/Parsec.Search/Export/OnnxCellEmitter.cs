using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Search.Export;

/// <summary>
/// The ONNX form of a fixed cell and of its operations (Model/Cell.cs and Model/Ops), following the parameter
/// names documented on <see cref="Network"/>. Drop path is left out: it only acts in training mode.
/// </summary>
internal sealed class OnnxCellEmitter
{
    private readonly OnnxLayerEmitter _layers;

    public OnnxCellEmitter(OnnxLayerEmitter layers) => _layers = layers;

    /// <summary>The ONNX nodes of one primitive applied to <paramref name="x"/>, as OpFactory builds it, by its family.</summary>
    private string Op(Primitive primitive, string x, string scope, int channels, int stride) => primitive.Family switch
    {
        OpFamily.MaxPool => Pool(x, scope, max: true, stride),
        OpFamily.AveragePool => Pool(x, scope, max: false, stride),
        OpFamily.Skip => stride == 1 ? x : FactorizedReduce(x, scope, channels),
        OpFamily.SeparableConvolution => SepConv(x, scope, channels, stride, primitive.Kernel),
        OpFamily.DilatedConvolution => DilConv(x, scope, channels, stride, primitive.Kernel, primitive.Dilation),
        OpFamily.AsymmetricConvolution => AsymmetricConv(x, scope, channels, stride, primitive.Kernel),
        _ => throw new InvalidOperationException($"no ONNX form for family {primitive.Family} ('{primitive.Name}')"),
    };

    /// <summary>Cell "{scope}" with <paramref name="architecture"/>'s terms of its type applied to the outputs <paramref name="s0"/> and <paramref name="s1"/> of the two previous cells.</summary>
    public string Cell(string scope, CellShape shape, Architecture architecture, string s0, string s1)
    {
        var terms = architecture.Of(shape.Type);
        var states = new List<string>
        {
            shape.AfterReduction ? FactorizedReduce(s0, $"{scope}.preprocess0", shape.PrevPrevChannels)
                : ReluConvBn(s0, $"{scope}.preprocess0", shape.PrevPrevChannels),
            ReluConvBn(s1, $"{scope}.preprocess1", shape.PrevChannels),
        };
        for (int node = 0; node < architecture.Space.Nodes; node++)
        {
            string? sum = null;
            for (int slot = 0; slot < CellLayout.TermsPerNode; slot++)
            {
                var choice = terms[node * CellLayout.TermsPerNode + slot];
                string name = architecture.OpName(choice);
                string opScope = $"{scope}.node{node}.term{slot}.{name}";
                string y = Op(Primitives.Get(name), states[choice.Input], opScope, shape.Channels, CellLayout.StrideOf(shape.Type, choice.Input));
                sum = sum is null ? y : _layers.Add(sum, y, $"{scope}.node{node}");
            }
            states.Add(sum!);
        }
        return _layers.ConcatChannels(states.Skip(CellLayout.InputNodes), scope);
    }

    /// <summary>ReLU, 1x1 convolution, BN ("{scope}.op.1", "{scope}.op.2").</summary>
    private string ReluConvBn(string x, string scope, int inChannels) =>
        _layers.BatchNorm(_layers.Conv(_layers.Relu(x, scope), $"{scope}.op.1", inChannels), $"{scope}.op.2");

    /// <summary>ReLU, then 1x1 stride-2 convolutions of x and of x shifted by a pixel, concatenated, then BN.</summary>
    private string FactorizedReduce(string x, string scope, int inChannels)
    {
        string relu = _layers.Relu(x, scope);
        string first = _layers.Conv(relu, $"{scope}.conv_1", inChannels, stride: 2);
        string second = _layers.Conv(_layers.ShiftByOnePixel(relu, scope), $"{scope}.conv_2", inChannels, stride: 2);
        return _layers.BatchNorm(_layers.ConcatChannels([first, second], scope), $"{scope}.bn");
    }

    /// <summary>Two ReLU-depthwise-pointwise-BN blocks, "{scope}.op.1/2/3" then "{scope}.op.5/6/7"; only the first has the stride.</summary>
    private string SepConv(string x, string scope, int channels, int stride, int kernel)
    {
        int padding = (kernel - 1) / 2;
        string first = Block(x, $"{scope}.op", 0, channels, stride, padding, dilation: 1);
        return Block(first, $"{scope}.op", 4, channels, 1, padding, dilation: 1);
    }

    /// <summary>One ReLU-depthwise-pointwise-BN block with the given dilation, "{scope}.op.1/2/3".</summary>
    private string DilConv(string x, string scope, int channels, int stride, int kernel, int dilation) =>
        Block(x, $"{scope}.op", 0, channels, stride, dilation * (kernel - 1) / 2, dilation);

    /// <summary>ReLU, 1 x k convolution (stride (1, s)), k x 1 convolution (stride (s, 1)), BN: "{scope}.op.1/2/3".</summary>
    private string AsymmetricConv(string x, string scope, int channels, int stride, int kernel)
    {
        int padding = (kernel - 1) / 2;
        string relu = _layers.Relu(x, $"{scope}.op.0");
        string row = _layers.Conv(relu, $"{scope}.op.1", channels, (1, stride), (0, padding));
        string column = _layers.Conv(row, $"{scope}.op.2", channels, (stride, 1), (padding, 0));
        return _layers.BatchNorm(column, $"{scope}.op.3");
    }

    private string Block(string x, string scope, int firstIndex, int channels, int stride, int padding, int dilation)
    {
        string relu = _layers.Relu(x, $"{scope}.{firstIndex}");
        string depthwise = _layers.Conv(relu, $"{scope}.{firstIndex + 1}", channels, stride, padding, dilation);
        string pointwise = _layers.Conv(depthwise, $"{scope}.{firstIndex + 2}", channels);
        return _layers.BatchNorm(pointwise, $"{scope}.{firstIndex + 3}");
    }

    /// <summary>A 3x3 pool; a search-phase network follows it with the non-affine norm "{scope}.1".</summary>
    private string Pool(string x, string scope, bool max, int stride)
    {
        string pooled = _layers.Pool3x3(x, scope, max, stride);
        return _layers.HasBatchNorm($"{scope}.1") ? _layers.BatchNorm(pooled, $"{scope}.1") : pooled;
    }
}
