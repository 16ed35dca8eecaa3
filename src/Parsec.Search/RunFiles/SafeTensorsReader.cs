using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Parsec.Search.RunFiles;

/// <summary>
/// Reads float32 safetensors files and checks them against the format before trusting any byte: header
/// length within the file, a JSON object header, F32 entries whose offsets match their shapes, and a data
/// section covered exactly once with no gaps, overlaps or trailing bytes, and, when the file records them, each
/// tensor's checksum (<see cref="TensorChecksums"/>). Errors name the file and the entry.
/// </summary>
internal static class SafeTensorsReader
{
    public static SafeTensorsContent ReadFile(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"safetensors file not found: {path}");
        return Read(File.ReadAllBytes(path), path);
    }

    public static SafeTensorsContent Read(byte[] file, string source)
    {
        const int prefix = SafeTensorsFormat.LengthPrefixBytes;
        if (file.Length < prefix)
            throw Invalid(source, $"the file is {file.Length} bytes; a safetensors file starts with an {prefix}-byte little-endian header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength == 0 || headerLength > SafeTensorsFormat.MaxHeaderBytes)
            throw Invalid(source, $"header length {headerLength} at offset 0 is outside 1..{SafeTensorsFormat.MaxHeaderBytes} (not a safetensors file?)");
        if ((ulong)(file.Length - prefix) < headerLength)
            throw Invalid(source, $"header length {headerLength} at offset 0 runs past the end of the {file.Length}-byte file (truncated?)");
        int dataStart = prefix + (int)headerLength;
        var headerBytes = file.AsMemory(prefix, (int)headerLength);
        if (headerBytes.Span[0] != (byte)'{')
            throw Invalid(source, $"the header at offset {prefix} must be a JSON object starting with '{{', found byte 0x{headerBytes.Span[0]:X2}");

        JsonDocument document;
        try { document = JsonDocument.Parse(headerBytes); }
        catch (JsonException e) { throw Invalid(source, $"the header (offset {prefix}, {headerLength} bytes) is not valid JSON: {e.Message}"); }

        using (document)
        {
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<Entry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Invalid(source, $"the header lists '{property.Name}' twice");
                if (property.Name == SafeTensorsFormat.MetadataKey) ReadMetadata(property.Value, metadata, source);
                else entries.Add(ReadEntry(property, source));
            }
            long dataLength = file.LongLength - dataStart;
            CheckCoverage(entries, dataLength, source);
            if (TensorChecksums.Recorded(metadata, source) is { } checksums)
                foreach (var e in entries) TensorChecksums.Verify(checksums, e.Name, file.AsSpan((int)(dataStart + e.Begin), (int)(e.End - e.Begin)), source);
            var tensors = entries.Select(e => new NamedTensor(e.Name, e.Shape, Decode(file, dataStart + e.Begin, e.Shape))).ToList();
            return new SafeTensorsContent(tensors, metadata);
        }
    }

    private sealed record Entry(string Name, int[] Shape, long Begin, long End);

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"'{SafeTensorsFormat.MetadataKey}' must be an object of string values, found {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Invalid(source, $"metadata '{item.Name}' must be a string, found {item.Value.ValueKind}");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(JsonProperty property, string source)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object)
            throw Invalid(source, $"tensor '{name}' must be an object with dtype, shape and data_offsets, found {value.ValueKind}");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Invalid(source, $"tensor '{name}' has no string 'dtype'");
        if (dtype.GetString() != SafeTensorsFormat.Float32)
            throw Invalid(source, $"tensor '{name}' has dtype '{dtype.GetString()}'; this reader supports {SafeTensorsFormat.Float32} only");
        var shape = ReadIntegers(value, "shape", name, source).Select(d => d <= int.MaxValue
            ? (int)d : throw Invalid(source, $"tensor '{name}' has a dimension {d} larger than {int.MaxValue}")).ToArray();
        var offsets = ReadIntegers(value, "data_offsets", name, source);
        if (offsets.Length != 2 || offsets[0] > offsets[1])
            throw Invalid(source, $"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with begin <= end");
        long elements;
        // A shape can claim more bytes than any file holds, or more than a long counts: refused by name, not by overflow.
        try { elements = checked(shape.Aggregate(1L, (n, d) => checked(n * d)) * sizeof(float)) / sizeof(float); }
        catch (OverflowException) { throw Invalid(source, $"tensor '{name}' has shape ({string.Join(", ", shape)}), whose byte count does not fit in 64 bits"); }
        if (offsets[1] - offsets[0] != elements * sizeof(float))
            throw Invalid(source, $"tensor '{name}' spans {offsets[1] - offsets[0]} bytes [{offsets[0]}, {offsets[1]}) but shape ({string.Join(", ", shape)}) of F32 needs {elements * sizeof(float)}");
        return new Entry(name, shape, offsets[0], offsets[1]);
    }

    private static long[] ReadIntegers(JsonElement entry, string field, string name, string source)
    {
        if (!entry.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Invalid(source, $"tensor '{name}' has no '{field}' array");
        return array.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0
            ? n : throw Invalid(source, $"tensor '{name}': '{field}' must hold non-negative integers, found {v.GetRawText()}")).ToArray();
    }

    /// <summary>The entries must tile the data section [0, dataLength) exactly: no gap, no overlap, nothing after the last.</summary>
    private static void CheckCoverage(List<Entry> entries, long dataLength, string source)
    {
        long expected = 0;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin != expected)
                throw Invalid(source, e.Begin < expected
                    ? $"tensor '{e.Name}' at data offset {e.Begin} overlaps the previous tensor, which ends at {expected}"
                    : $"there is a gap in the data section: tensor '{e.Name}' starts at data offset {e.Begin}, expected {expected}");
            expected = e.End;
        }
        if (expected != dataLength)
            throw Invalid(source, expected > dataLength
                ? $"the data section is {dataLength} bytes but the header describes {expected} (truncated file?)"
                : $"the data section is {dataLength} bytes but the header describes only {expected}: {dataLength - expected} unexplained trailing bytes");
    }

    private static float[] Decode(byte[] file, long start, int[] shape)
    {
        long count = shape.Aggregate(1L, (n, d) => n * d);
        var values = new float[count];
        var bytes = file.AsSpan((int)start, (int)(count * sizeof(float)));
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(values);
        else for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        return values;
    }

    private static BadInputException Invalid(string source, string message) => new($"{source}: not a valid safetensors file: {message}");
}
