using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Parsec.Search.Data.Files;

/// <summary>
/// Reads a whole dataset file into memory, decompressing it first when its name ends in .gz. GZipStream stops
/// quietly at the end of a truncated stream, so the result is checked against the gzip trailer (RFC 1952: CRC-32
/// and length of the unpacked data in the last 8 bytes); dataset files are single gzip members, as MNIST ships them.
/// </summary>
internal static class DataFileBytes
{
    /// <summary>A 10-byte header and the 8-byte trailer.</summary>
    private const int MinimumGzipBytes = 18;

    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"dataset file not found: {path}");
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        try
        {
            byte[] packed = File.ReadAllBytes(path);
            if (packed.Length < MinimumGzipBytes || packed[0] != 0x1f || packed[1] != 0x8b)
                throw new DataFileException(path, $"not a gzip file (it is {packed.Length} bytes and does not start with the gzip signature 1f 8b), although its name ends in .gz");
            using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
            using var result = new MemoryStream();
            gzip.CopyTo(result);
            byte[] unpacked = result.ToArray();
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(packed.Length - 8));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(packed.AsSpan(packed.Length - 4));
            uint actualCrc = Crc32.HashToUInt32(unpacked);
            if (actualCrc != crc || (uint)unpacked.LongLength != length)
                throw new DataFileException(path,
                    $"the gzip stream is truncated or corrupt: it unpacks to {unpacked.LongLength} bytes with CRC-32 {actualCrc:x8}, but its trailer records {length} bytes with CRC-32 {crc:x8}; download the file again");
            return unpacked;
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a corrupt or truncated stream without saying which file it was reading.
            throw new DataFileException(path, $"not a valid gzip stream ({e.Message}); expected a gzip-compressed file, as its .gz name says", e);
        }
    }
}
