using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parsec.Search.Training;

/// <summary>
/// The network's shape as structured metadata of a weights file, named after the arguments of DARTS'
/// NetworkCIFAR(C, num_classes, layers, auxiliary, genotype), so that a rebuild in another framework needs
/// nothing else (the genotype is beside it under "genotype", in DARTS' Genotype form). See docs/interop.md.
/// </summary>
internal sealed record NetworkMetadata(
    [property: JsonPropertyName("C")] int Channels,
    [property: JsonPropertyName("num_classes")] int Classes,
    [property: JsonPropertyName("layers")] int Layers,
    [property: JsonPropertyName("auxiliary")] bool Auxiliary,
    [property: JsonPropertyName("input_channels")] int InputChannels,
    [property: JsonPropertyName("stem_multiplier")] int StemMultiplier,
    [property: JsonPropertyName("image_shape")] int[] ImageShape,
    [property: JsonPropertyName("batch_norm_eps")] double BatchNormEpsilon,
    [property: JsonPropertyName("class_names")] string[] ClassNames)
{
    public const string Key = "parsec.network";

    public static NetworkMetadata From(TrainingRecord record)
    {
        var network = record.Options.Network(record.ImageShape[0], record.Classes);
        return new(network.Channels, network.Classes, network.Layers, network.Auxiliary != Model.AuxiliaryClassifier.None, network.InputChannels,
            network.StemMultiplier, record.ImageShape, 1e-5, record.ClassNames);
    }

    public string ToJson() => JsonSerializer.Serialize(this);
}
