using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Search.RunFiles;

/// <summary>
/// Writes float32 tensors in the safetensors layout: an 8-byte little-endian header length, a JSON header
/// mapping each name to {"dtype":"F32","shape":[...],"data_offsets":[begin,end]} (offsets relative to the
/// data section) plus an optional "__metadata__" string map, then the raw little-endian data in header order.
/// </summary>
internal static class SafeTensorsWriter
{
    public static void Write(Stream output, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        byte[] header = BuildHeader(tensors, metadata);
        Span<byte> prefix = stackalloc byte[SafeTensorsFormat.LengthPrefixBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        output.Write(prefix);
        output.Write(header);
        foreach (var t in tensors) WriteLittleEndian(output, t.Data);
        output.Flush();
    }

    /// <summary>
    /// Writes the file next to its final path and renames it into place, so a crash never leaves half a file.
    /// Files written this way also record each tensor's checksum (<see cref="TensorChecksums"/>), which the reader verifies.
    /// </summary>
    public static void WriteFile(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var withChecksums = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [TensorChecksums.MetadataKey] = TensorChecksums.Describe(tensors),
        };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = AtomicFile.TempPathFor(path);
        try
        {
            // Streamed rather than built in memory: a 20-cell network's weights and momenta are tens of megabytes.
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Write(stream, tensors, withChecksums);
                stream.Flush(flushToDisk: true);
            }
            AtomicFile.Commit(temporary, path);
        }
        catch
        {
            AtomicFile.TryDelete(temporary);
            throw;
        }
    }

    private static byte[] BuildHeader(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps metadata (a genotype's JSON, names) readable in the header; any JSON reader accepts it.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsFormat.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var t in tensors)
            {
                if (string.IsNullOrEmpty(t.Name) || t.Name == SafeTensorsFormat.MetadataKey)
                    throw new ArgumentException($"safetensors: '{t.Name}' cannot be a tensor name");
                if (!seen.Add(t.Name)) throw new ArgumentException($"safetensors: tensor name '{t.Name}' appears twice");
                if (t.ElementCount != t.Data.Length)
                    throw new ArgumentException($"safetensors: tensor '{t.Name}' has shape ({string.Join(", ", t.Shape)}) = {t.ElementCount} elements but {t.Data.Length} values");
                long end = offset + t.Data.LongLength * sizeof(float);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafeTensorsFormat.Float32);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        // Pad with spaces (valid JSON whitespace) so that the data section starts 8-byte aligned, as the reference writer does.
        int unpadded = (int)buffer.Length;
        int padding = (SafeTensorsFormat.HeaderAlignment - (SafeTensorsFormat.LengthPrefixBytes + unpadded) % SafeTensorsFormat.HeaderAlignment)
                      % SafeTensorsFormat.HeaderAlignment;
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteLittleEndian(Stream output, float[] data) => output.Write(LittleEndianBytes(data));

    /// <summary>The bytes of <paramref name="data"/> as the file stores them (a view of the array on little-endian machines).</summary>
    internal static ReadOnlySpan<byte> LittleEndianBytes(float[] data)
    {
        if (BitConverter.IsLittleEndian) return MemoryMarshal.AsBytes(data.AsSpan());
        var bytes = new byte[data.Length * sizeof(float)];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), data[i]);
        return bytes;
    }
}
