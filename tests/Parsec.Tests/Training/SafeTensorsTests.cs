using Parsec.Search;
using System.Buffers.Binary;
using System.Text;
using NUnit.Framework;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Training;

[TestFixture]
public class SafeTensorsTests
{
    private static readonly NamedTensor A = new("cells.0.op.weight", [2, 3], [1.5f, -2f, 0f, 3.25f, float.Epsilon, -0f]);
    private static readonly NamedTensor B = new("classifier.bias", [1], [42f]);
    private static readonly NamedTensor Empty = new("empty", [0, 4], []);
    private static readonly Dictionary<string, string> Meta = new() { ["genotype"] = "{\"normal\": []}", ["note"] = "ünïcode" };

    private static byte[] Write(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>The file the format specification prescribes for A and B, built by hand.</summary>
    private static byte[] SpecBytes()
    {
        string header = "{\"__metadata__\":{\"genotype\":\"{\\\"normal\\\": []}\",\"note\":\"ünïcode\"}," +
                        "\"cells.0.op.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
                        "\"classifier.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}}";
        while ((8 + Encoding.UTF8.GetByteCount(header)) % 8 != 0) header += " ";
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var file = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)headerBytes.Length);
        file.AddRange(length);
        file.AddRange(headerBytes);
        foreach (float v in A.Data.Concat(B.Data))
        {
            var b = new byte[4];
            BinaryPrimitives.WriteSingleLittleEndian(b, v);
            file.AddRange(b);
        }
        return file.ToArray();
    }

    [Test]
    public void WriterProducesTheSpecifiedLayoutByteForByte()
    {
        Assert.That(Write([A, B], Meta), Is.EqualTo(SpecBytes()));
    }

    [Test]
    public void WrittenTensorsReadBackEqual()
    {
        var bytes = Write([A, B, Empty], Meta);
        var content = SafeTensorsReader.Read(bytes, "memory");
        Assert.That(content.Tensors.Select(t => t.Name), Is.EqualTo(new[] { A.Name, B.Name, Empty.Name }));
        Assert.That(content.Get(A.Name).Shape, Is.EqualTo(A.Shape));
        Assert.That(content.Get(A.Name).Data, Is.EqualTo(A.Data));
        Assert.That(BitConverter.SingleToInt32Bits(content.Get(A.Name).Data[5]), Is.EqualTo(BitConverter.SingleToInt32Bits(-0f)));
        Assert.That(content.Get(B.Name).Data, Is.EqualTo(B.Data));
        Assert.That(content.Get(Empty.Name).Shape, Is.EqualTo(new[] { 0, 4 }));
        Assert.That(content.Metadata, Is.EqualTo(Meta));
    }

    [Test]
    public void FileWriteIsAtomicAndReadable()
    {
        using var temp = new TempFolder();
        string path = temp["nested/weights.safetensors"];
        SafeTensorsWriter.WriteFile(path, [A, B], Meta);
        SafeTensorsWriter.WriteFile(path, [B], null); // replaces the first file in one step
        Assert.That(Directory.GetFiles(temp["nested"]), Is.EqualTo(new[] { path }), "no temporary file is left behind");
        Assert.That(SafeTensorsReader.ReadFile(path).Tensors.Single().Name, Is.EqualTo(B.Name));
    }

    [Test]
    public void FilesRecordTensorChecksumsAndAFlippedByteIsRefusedNamingTheTensor()
    {
        using var temp = new TempFolder();
        string path = temp["weights.safetensors"];
        SafeTensorsWriter.WriteFile(path, [A, B], Meta);
        Assert.That(SafeTensorsReader.ReadFile(path).Metadata, Does.ContainKey(TensorChecksums.MetadataKey));
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x01; // the last byte belongs to B, the last tensor
        File.WriteAllBytes(path, bytes);
        Assert.That(() => SafeTensorsReader.ReadFile(path), Throws.TypeOf<BadInputException>()
            .With.Message.Contains($"{path}: tensor '{B.Name}' is corrupt"));
    }

    [Test]
    public void WriterRefusesInconsistentTensors()
    {
        Assert.That(() => Write([new NamedTensor("x", [2, 2], [1f])]), Throws.ArgumentException.With.Message.Contains("4 elements but 1 values"));
        Assert.That(() => Write([B, B]), Throws.ArgumentException.With.Message.Contains("appears twice"));
        Assert.That(() => Write([new NamedTensor("__metadata__", [1], [1f])]), Throws.ArgumentException);
    }

    private static BadInputException ReadError(byte[] bytes) => Assert.Throws<BadInputException>(() => SafeTensorsReader.Read(bytes, "w.safetensors"))!;

    /// <summary>A file with the given header text (padded like the writer does) and data bytes.</summary>
    private static byte[] Raw(string header, int dataBytes)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)h.Length);
        h.CopyTo(file, 8);
        return file;
    }

    [Test]
    public void ReaderNamesWhatIsWrong()
    {
        var good = Write([A, B]);
        Assert.That(ReadError(good[..5]).Message, Does.Contain("w.safetensors").And.Contain("8-byte"));
        Assert.That(ReadError(good[..40]).Message, Does.Contain("runs past the end"));
        Assert.That(ReadError(good[..^4]).Message, Does.Contain("truncated"));
        Assert.That(ReadError([.. good, 0, 0]).Message, Does.Contain("2 unexplained trailing bytes"));

        var huge = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(huge, ulong.MaxValue);
        Assert.That(ReadError(huge).Message, Does.Contain("header length"));

        Assert.That(ReadError(Raw("[1, 2]", 0)).Message, Does.Contain("JSON object"));
        Assert.That(ReadError(Raw("{\"a\": ", 0)).Message, Does.Contain("not valid JSON"));
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4)).Message,
            Does.Contain("'a' has dtype 'F16'").And.Contain("F32 only"));
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)).Message,
            Does.Contain("spans 8 bytes").And.Contain("needs 12"));
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)).Message,
            Does.Contain("gap"));
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8)).Message,
            Does.Contain("overlaps"));
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0)).Message,
            Does.Contain("non-negative"));
        Assert.That(ReadError(Raw("{\"__metadata__\":{\"k\":1}}", 0)).Message, Does.Contain("metadata 'k' must be a string"));
        Assert.That(ReadError(Raw("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4)).Message, Does.Contain("no string 'dtype'"));
        // 2^31-1 x 2^31-1 x 2^31-1 elements: a byte count past 64 bits, refused by name rather than wrapping.
        Assert.That(ReadError(Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,4]}}", 4)).Message,
            Does.Contain("w.safetensors").And.Contain("'a' has shape").And.Contain("does not fit in 64 bits"));
    }
}
