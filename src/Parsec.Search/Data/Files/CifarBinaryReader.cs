namespace Parsec.Search.Data.Files;

/// <summary>
/// Record layout of a CIFAR binary file: some label bytes, then a 32x32 RGB image stored channel by
/// channel (1024 red, 1024 green, 1024 blue bytes, each row-major), i.e. already CHW.
/// </summary>
/// <param name="LabelNames">What each label byte is, in file order (CIFAR-100: "coarse", "fine").</param>
/// <param name="LabelClasses">How many classes each label byte may take (CIFAR-100: 20, 100).</param>
/// <param name="UsedLabel">Which label byte becomes the dataset's label.</param>
internal sealed record CifarLayout(string[] LabelNames, int[] LabelClasses, int UsedLabel)
{
    public const int Channels = 3;
    public const int Side = 32;
    public const int PixelBytes = Channels * Side * Side;

    public int RecordBytes => LabelNames.Length + PixelBytes;

    public static readonly CifarLayout Cifar10 = new(["label"], [10], 0);
    public static readonly CifarLayout Cifar100Fine = new(["coarse label", "fine label"], [20, 100], 1);
    public static readonly CifarLayout Cifar100Coarse = new(["coarse label", "fine label"], [20, 100], 0);

    public int Classes => LabelClasses[UsedLabel];
}

/// <summary>The images (N x 3072 bytes, CHW per image) and labels of one CIFAR binary file.</summary>
internal sealed record CifarRecords(byte[] Pixels, int[] Labels);

/// <summary>Reads CIFAR-10 / CIFAR-100 binary files record by record, checking the length and every label.</summary>
internal static class CifarBinaryReader
{
    public static CifarRecords Read(string path, CifarLayout layout) => Parse(DataFileBytes.Read(path), path, layout);

    public static CifarRecords Parse(byte[] bytes, string path, CifarLayout layout)
    {
        int recordBytes = layout.RecordBytes;
        if (bytes.Length == 0)
            throw new DataFileException(path, 0, $"file is empty; expected records of {recordBytes} bytes");
        if (bytes.Length % recordBytes != 0)
        {
            long whole = bytes.Length / recordBytes;
            throw new DataFileException(path, whole * recordBytes,
                $"file is {bytes.Length} bytes, not a multiple of the {recordBytes}-byte record " +
                $"({layout.LabelNames.Length} label byte(s) + {CifarLayout.PixelBytes} pixel bytes): record {whole} is truncated " +
                $"after {bytes.Length - whole * recordBytes} bytes (wrong format or incomplete file?)");
        }
        int count = bytes.Length / recordBytes;
        var pixels = new byte[(long)count * CifarLayout.PixelBytes];
        var labels = new int[count];
        for (int r = 0; r < count; r++)
        {
            long offset = (long)r * recordBytes;
            for (int l = 0; l < layout.LabelNames.Length; l++)
            {
                int value = bytes[offset + l];
                if (value >= layout.LabelClasses[l])
                    throw new DataFileException(path, offset + l,
                        $"record {r}: {layout.LabelNames[l]} {value} is out of range; expected 0..{layout.LabelClasses[l] - 1}");
            }
            labels[r] = bytes[offset + layout.UsedLabel];
            Buffer.BlockCopy(bytes, (int)offset + layout.LabelNames.Length, pixels, r * CifarLayout.PixelBytes, CifarLayout.PixelBytes);
        }
        return new CifarRecords(pixels, labels);
    }
}
