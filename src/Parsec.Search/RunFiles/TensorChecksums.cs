using System.IO.Hashing;
using System.Text.Json;

namespace Parsec.Search.RunFiles;

/// <summary>
/// A 64-bit XXH3 hash of each tensor's stored bytes, kept as one JSON object (tensor name to 16 hex digits) in
/// the safetensors metadata entry <see cref="MetadataKey"/>. The format's own checks (offsets, lengths) catch a
/// truncated or reshaped file but not flipped bytes inside the data; these do, and name the tensor.
/// </summary>
internal static class TensorChecksums
{
    public const string MetadataKey = "parsec.xxh3_64";

    public static string Of(ReadOnlySpan<byte> littleEndianBytes) => XxHash3.HashToUInt64(littleEndianBytes).ToString("x16");

    /// <summary>The metadata value for <paramref name="tensors"/>, hashed as the writer stores them.</summary>
    public static string Describe(IReadOnlyList<NamedTensor> tensors) =>
        JsonSerializer.Serialize(tensors.ToDictionary(t => t.Name, t => Of(SafeTensorsWriter.LittleEndianBytes(t.Data)), StringComparer.Ordinal));

    /// <summary>Checks a tensor's bytes against the recorded checksums; throws naming the file and the tensor.</summary>
    public static void Verify(IReadOnlyDictionary<string, string> recorded, string name, ReadOnlySpan<byte> bytes, string source)
    {
        if (!recorded.TryGetValue(name, out var expected))
            throw new BadInputException($"{source}: tensor '{name}' has no checksum in '{MetadataKey}': the header was altered after the file was written");
        string actual = Of(bytes);
        if (actual != expected)
            throw new BadInputException(
                $"{source}: tensor '{name}' is corrupt: its bytes hash to {actual}, the file recorded {expected} when it was written (XXH3-64 in '{MetadataKey}'); restore the file from a copy or start the run again");
    }

    /// <summary>The recorded checksums of a file's metadata, or null when the file records none (a file written by another tool).</summary>
    public static IReadOnlyDictionary<string, string>? Recorded(IReadOnlyDictionary<string, string> metadata, string source)
    {
        if (!metadata.TryGetValue(MetadataKey, out var json)) return null;
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json)
                   ?? throw new BadInputException($"{source}: metadata '{MetadataKey}' is empty");
        }
        catch (JsonException e) { throw new BadInputException($"{source}: metadata '{MetadataKey}' is not a JSON object of tensor checksums ({e.Message})", e); }
    }

    /// <summary>For files whose integrity matters (checkpoints): refuses one that records no checksums.</summary>
    public static void Require(SafeTensorsContent content, string source)
    {
        if (!content.Metadata.ContainsKey(MetadataKey))
            throw new BadInputException($"{source}: records no tensor checksums (metadata '{MetadataKey}'), so its data cannot be verified; it was not written by this version of parsec");
    }
}
