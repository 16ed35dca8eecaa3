using Parsec.Search.Model.Layers;
using Parsec.Search.Model;

namespace Parsec.Search.Export;

/// <summary>
/// The ONNX form of Parsec's layers (Model/Layers), reading each layer's tensors from the network's
/// <see cref="ParameterStore"/> under the layer's scope name, so the exported weights are exactly the
/// network's. Node outputs are named "{scope}/{op}".
/// </summary>
internal sealed class OnnxLayerEmitter(OnnxGraphBuilder graph, ParameterStore parameters)
{
    /// <summary>PyTorch's and Parsec's batch-norm epsilon.</summary>
    public const float BatchNormEpsilon = 1e-5f;

    /// <summary>
    /// A bias-free convolution whose weight is "{scope}.weight" (OutC, InC / groups, K, K): kernel and groups
    /// follow from the weight's shape and the input's channels.
    /// </summary>
    public string Conv(string x, string scope, int inChannels, int stride = 1, int padding = 0, int dilation = 1) =>
        Conv(x, scope, inChannels, (stride, stride), (padding, padding), dilation);

    /// <summary>A convolution whose kernel (from its weight), stride and padding may differ along the height and the width.</summary>
    public string Conv(string x, string scope, int inChannels, (int H, int W) stride, (int H, int W) padding, int dilation = 1)
    {
        var w = parameters[$"{scope}.weight"];
        int groups = inChannels / w.Shape[1];
        return graph.Node("Conv", $"{scope}/conv", [x, Weight(w.Name!)],
            OnnxGraphBuilder.Ints("kernel_shape", w.Shape[2], w.Shape[3]),
            OnnxGraphBuilder.Ints("strides", stride.H, stride.W),
            OnnxGraphBuilder.Ints("pads", padding.H, padding.W, padding.H, padding.W),
            OnnxGraphBuilder.Ints("dilations", dilation, dilation),
            OnnxGraphBuilder.Int("group", groups));
    }

    /// <summary>
    /// Batch norm in inference form: running statistics, and scale 1 / shift 0 for a non-affine norm
    /// (which has no "{scope}.weight" / "{scope}.bias").
    /// </summary>
    public string BatchNorm(string x, string scope)
    {
        var mean = parameters[$"{scope}.running_mean"];
        int channels = mean.Shape[0];
        string scale = parameters.Contains($"{scope}.weight") ? Weight($"{scope}.weight")
            : graph.Initializer($"{scope}.weight", [channels], Enumerable.Repeat(1f, channels).ToArray());
        string shift = parameters.Contains($"{scope}.bias") ? Weight($"{scope}.bias")
            : graph.Initializer($"{scope}.bias", [channels], new float[channels]);
        return graph.Node("BatchNormalization", $"{scope}/bn", [x, scale, shift, Weight(mean.Name!), Weight($"{scope}.running_var")],
            OnnxGraphBuilder.Float("epsilon", BatchNormEpsilon));
    }

    /// <summary>Whether the network has a batch norm at <paramref name="scope"/>.</summary>
    public bool HasBatchNorm(string scope) => parameters.Contains($"{scope}.running_mean");

    /// <summary>The classifier: flattened features times "{scope}.weight" transposed, plus "{scope}.bias" (PyTorch's nn.Linear).</summary>
    public string Linear(string x, string scope, string outputName) =>
        graph.Node("Gemm", outputName, [x, Weight($"{scope}.weight"), Weight($"{scope}.bias")], OnnxGraphBuilder.Int("transB", 1));

    public string Relu(string x, string scope) => graph.Node("Relu", $"{scope}/relu", [x]);

    public string Add(string a, string b, string scope) => graph.Node("Add", $"{scope}/add", [a, b]);

    public string ConcatChannels(IEnumerable<string> xs, string scope) => graph.Node("Concat", $"{scope}/concat", xs, OnnxGraphBuilder.Int("axis", 1));

    /// <summary>x[:, :, 1:, 1:], the shifted input of a factorized reduction.</summary>
    public string ShiftByOnePixel(string x, string scope) =>
        graph.Node("Slice", $"{scope}/shift", [x,
            graph.Int64Initializer($"{scope}/shift_starts", 1, 1),
            graph.Int64Initializer($"{scope}/shift_ends", long.MaxValue, long.MaxValue),
            graph.Int64Initializer($"{scope}/shift_axes", 2, 3)]);

    /// <summary>3x3 pooling with padding 1; the average excludes the padding (count_include_pad = 0), as Parsec's and DARTS' do.</summary>
    public string Pool3x3(string x, string scope, bool max, int stride)
    {
        var window = new List<Onnx.AttributeProto>
        {
            OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", stride, stride), OnnxGraphBuilder.Ints("pads", 1, 1, 1, 1),
        };
        if (!max) window.Add(OnnxGraphBuilder.Int("count_include_pad", 0));
        return graph.Node(max ? "MaxPool" : "AveragePool", $"{scope}/{(max ? "max" : "avg")}_pool", [x], window.ToArray());
    }

    /// <summary>Global average pooling to (N, C, 1, 1), flattened to (N, C) for the classifier.</summary>
    public string GlobalAveragePool(string x, string scope) =>
        graph.Node("Flatten", $"{scope}/flatten", [graph.Node("GlobalAveragePool", $"{scope}/global_avg_pool", [x])], OnnxGraphBuilder.Int("axis", 1));

    private string Weight(string name)
    {
        var t = parameters[name];
        return graph.Initializer(name, t.Shape, t.ToFloatArray());
    }
}
