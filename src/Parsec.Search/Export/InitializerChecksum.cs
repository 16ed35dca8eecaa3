using System.Buffers.Binary;
using System.IO.Hashing;
using Onnx;

namespace Parsec.Search.Export;

/// <summary>
/// An XXH3-64 hash of a graph's initializers (names, types, shapes and data, in graph order), stored in the exported
/// model's metadata and checked when the model is loaded: a flipped byte in a weight would otherwise go unnoticed
/// and give wrong predictions with exit 0. Models exported before the hash was stored have none and load unchecked.
/// </summary>
internal static class InitializerChecksum
{
    public const string Key = "parsec.initializers_xxh3_64";

    public static string Of(GraphProto graph)
    {
        var hash = new XxHash3();
        Span<byte> number = stackalloc byte[8];
        foreach (var tensor in graph.Initializer)
        {
            hash.Append(System.Text.Encoding.UTF8.GetBytes(tensor.Name));
            BinaryPrimitives.WriteInt64LittleEndian(number, tensor.DataType);
            hash.Append(number);
            foreach (long d in tensor.Dims)
            {
                BinaryPrimitives.WriteInt64LittleEndian(number, d);
                hash.Append(number);
            }
            hash.Append(tensor.RawData.Span);
            foreach (long v in tensor.Int64Data)
            {
                BinaryPrimitives.WriteInt64LittleEndian(number, v);
                hash.Append(number);
            }
        }
        return Convert.ToHexString(hash.GetCurrentHash()).ToLowerInvariant();
    }

    /// <summary>Throws <see cref="InvalidDataException"/> naming <paramref name="source"/> when the model's initializers do not hash to what its metadata records.</summary>
    public static void Verify(ModelProto model, string source)
    {
        var recorded = model.MetadataProps.FirstOrDefault(p => p.Key == Key)?.Value;
        if (recorded is null) return;
        string actual = Of(model.Graph);
        if (actual != recorded)
            throw new BadInputException($"{source}: the weights inside the model do not match the checksum recorded at export ({Key} {recorded}, found {actual}): the file was changed or damaged; export it again");
    }
}
