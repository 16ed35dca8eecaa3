using Parsec.Search.Model.Layers;
using Parsec.Autodiff;
using Parsec.Autodiff.Meta;
using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>What a cost budget constrains.</summary>
public enum CostMeasure
{
    /// <summary>Trainable parameters of the evaluation network (no auxiliary head): what fits a device's memory.</summary>
    Params,
    /// <summary>Multiply-adds of one image's forward pass through convolutions and linear layers: what NAS papers call FLOPs.</summary>
    Flops,
    /// <summary>Milliseconds of a forward pass on the search's backend, predicted from a <see cref="LatencyTable"/> measured there.</summary>
    Latency,
}

/// <summary>The network a cost is counted for: the evaluation network of a genotype at these sizes.</summary>
/// <param name="ImageSide">Height and width of the input images.</param>
internal sealed record CostShape(int Channels, int Layers, int ImageSide, int InputChannels = 3, int Classes = 10)
{
    /// <summary>The space whose genotypes are costed: its terms and operations size a cost table.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("space")] public SearchSpace Space { get; init; } = SearchSpace.Darts;

    /// <summary>DARTS' evaluation network on CIFAR-10: C = 36, 20 cells, 32x32 RGB images, 10 classes.</summary>
    public static readonly CostShape DartsCifar10 = new(36, 20, 32);

    public NetworkOptions Network() => new()
    {
        Channels = Channels, Layers = Layers, Classes = Classes, InputChannels = InputChannels,
        Phase = NetworkPhase.Evaluation, Auxiliary = AuxiliaryClassifier.None, DType = DType.Float32, Space = Space,
    };

    public void Validate()
    {
        Network().Validate();
        if (ImageSide < 1) throw new BadInputException($"--image-size must be >= 1, got {ImageSide}");
    }
}

/// <summary>The parameters and forward multiply-adds of one network.</summary>
internal readonly record struct NetworkCost(long Parameters, long MultiplyAdds)
{
    public double Of(CostMeasure measure) => measure switch
    {
        CostMeasure.Params => Parameters,
        CostMeasure.Flops => MultiplyAdds,
        _ => throw new InvalidOperationException($"{measure} is not counted from the network code: a LatencyTable predicts it"),
    };

    public static NetworkCost operator -(NetworkCost a, NetworkCost b) => new(a.Parameters - b.Parameters, a.MultiplyAdds - b.MultiplyAdds);

    /// <summary>
    /// The exact cost of <paramref name="genotype"/>'s evaluation network at <paramref name="shape"/>: the network is
    /// built by the same code `train` uses, on the shape-only backend, and one image is passed forward through it
    /// (nothing is computed; the multiply-adds are counted from the convolutions' and products' geometry).
    /// </summary>
    public static NetworkCost Of(Genotype genotype, CostShape shape)
    {
        shape.Validate();
        using var meta = new MetaBackend();
        using var network = Network.CreateFixed(meta, shape.Network(), genotype, new Rng(0));
        long parameters = network.Parameters.WeightElementCount;
        using var tape = new Tape(meta);
        using var noGrad = tape.NoGrad();
        using var image = Tensor.Empty(meta, [1, shape.InputChannels, shape.ImageSide, shape.ImageSide], DType.Float32, BufferCategory.Inputs, "image");
        meta.ResetMultiplyAdds();
        network.Forward(tape, image, ForwardMode.Evaluation);
        return new NetworkCost(parameters, meta.MultiplyAdds);
    }
}
