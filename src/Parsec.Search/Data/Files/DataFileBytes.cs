using System.IO.Compression;

namespace Parsec.Search.Data.Files;

/// <summary>Reads a whole dataset file into memory, decompressing it first when its name ends in .gz.</summary>
public static class DataFileBytes
{
    public static byte[] Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"dataset file not found: {path}", path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var result = new MemoryStream();
            gzip.CopyTo(result);
            return result.ToArray();
        }
        catch (InvalidDataException e)
        {
            // GZipStream reports a corrupt or truncated stream without saying which file it was reading.
            throw new DataFileException(path, $"not a valid gzip stream ({e.Message}); expected a gzip-compressed file, as its .gz name says", e);
        }
    }
}
