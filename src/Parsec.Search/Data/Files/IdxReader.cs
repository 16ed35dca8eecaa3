using System.Buffers.Binary;

namespace Parsec.Search.Data.Files;

/// <summary>An unsigned-byte IDX array: its dimensions and the raw values in row-major order.</summary>
internal sealed record IdxArray(string Path, int[] Dimensions, ReadOnlyMemory<byte> Values);

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST: a big-endian magic number 0x0000TTDD (TT the element type,
/// DD the number of dimensions), DD big-endian int32 sizes, then the values. Only unsigned bytes (TT = 0x08)
/// occur in these datasets; the file must hold exactly the values its header announces.
/// </summary>
internal static class IdxReader
{
    /// <summary>0x00000803: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 2051;
    /// <summary>0x00000801: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagic = 2049;
    private const byte UnsignedByteType = 0x08;

    public static IdxArray Read(string path, int expectedMagic) => Parse(DataFileBytes.Read(path), path, expectedMagic);

    public static IdxArray Parse(byte[] bytes, string path, int expectedMagic)
    {
        if (bytes.Length < 4)
            throw new DataFileException(path, 0, $"file is {bytes.Length} bytes, too short for the 4-byte IDX magic number {expectedMagic}");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw new DataFileException(path, 0, $"IDX magic number is {magic} (0x{magic:X8}); expected {expectedMagic} (0x{expectedMagic:X8}, {Describe(expectedMagic)})");
        if (bytes[2] != UnsignedByteType)
            throw new DataFileException(path, 2, $"IDX element type 0x{bytes[2]:X2}; expected 0x08 (unsigned byte)");
        int rank = bytes[3];
        int headerBytes = 4 + 4 * rank;
        if (bytes.Length < headerBytes)
            throw new DataFileException(path, bytes.Length, $"file ends inside the header: {rank} dimension sizes need {headerBytes} bytes, the file has {bytes.Length}");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            dims[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (dims[d] <= 0)
                throw new DataFileException(path, 4 + 4 * d, $"dimension {d} has size {dims[d]}; expected a positive size");
            count *= dims[d];
        }
        long expectedLength = headerBytes + count;
        if (bytes.Length < expectedLength)
            throw new DataFileException(path, bytes.Length, $"file is truncated: dimensions ({string.Join(" x ", dims)}) need {expectedLength} bytes, the file has {bytes.Length}");
        if (bytes.Length > expectedLength)
            throw new DataFileException(path, expectedLength, $"{bytes.Length - expectedLength} unexpected bytes after the {count} values announced by dimensions ({string.Join(" x ", dims)})");
        return new IdxArray(path, dims, bytes.AsMemory(headerBytes, (int)count));
    }

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic => "an image file: unsigned bytes, 3 dimensions",
        LabelsMagic => "a label file: unsigned bytes, 1 dimension",
        _ => "IDX",
    };
}
