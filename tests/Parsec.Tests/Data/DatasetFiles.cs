using System.Buffers.Binary;
using System.IO.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Data;

/// <summary>Writes small dataset files in the real formats, with contents the tests can predict.</summary>
internal static class DatasetFiles
{
    /// <summary>The pixel byte of image <paramref name="image"/> at position <paramref name="offset"/>: distinct per image and position.</summary>
    public static byte Pixel(int image, int offset) => (byte)((image * 31 + offset * 7) % 256);

    /// <summary>CIFAR records: label bytes then 3072 pixel bytes per image.</summary>
    public static byte[] CifarRecords(int count, Func<int, byte[]> labelBytes, int firstImage = 0)
    {
        using var bytes = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            bytes.Write(labelBytes(i));
            for (int p = 0; p < 3072; p++) bytes.WriteByte(Pixel(firstImage + i, p));
        }
        return bytes.ToArray();
    }

    /// <summary>A CIFAR-10 folder: data_batch_1..5.bin with <paramref name="perBatch"/> images each, test_batch.bin with <paramref name="test"/>.</summary>
    public static void WriteCifar10(string folder, int perBatch = 3, int test = 4, bool withNames = true)
    {
        Directory.CreateDirectory(folder);
        for (int b = 1; b <= 5; b++)
            File.WriteAllBytes(Path.Combine(folder, $"data_batch_{b}.bin"), CifarRecords(perBatch, i => [(byte)(((b - 1) * perBatch + i) % 10)], (b - 1) * perBatch));
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), CifarRecords(test, i => [(byte)(i % 10)], 1000));
        if (withNames)
            File.WriteAllLines(Path.Combine(folder, "batches.meta.txt"), ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck", ""]);
    }

    public static void WriteCifar100(string folder, int train = 5, int test = 3)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "train.bin"), CifarRecords(train, i => [(byte)(i % 20), (byte)(i * 17 % 100)]));
        File.WriteAllBytes(Path.Combine(folder, "test.bin"), CifarRecords(test, i => [(byte)(i % 20), (byte)(i * 13 % 100)], 500));
    }

    /// <summary>An IDX file of unsigned bytes: big-endian magic and dimensions, then the values.</summary>
    public static byte[] Idx(int magic, int[] dims, byte[] values)
    {
        var bytes = new byte[4 + 4 * dims.Length + values.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        values.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] MnistImages(int count, int side = 28, int first = 0) =>
        Idx(2051, [count, side, side], Enumerable.Range(0, count * side * side).Select(k => Pixel(first + k / (side * side), k % (side * side))).ToArray());

    public static byte[] MnistLabels(int count) => Idx(2049, [count], Enumerable.Range(0, count).Select(i => (byte)(i * 3 % 10)).ToArray());

    public static void Write(string path, byte[] bytes, bool gzip)
    {
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return;
        }
        using var file = File.Create(path + ".gz");
        using var stream = new GZipStream(file, CompressionLevel.Fastest);
        stream.Write(bytes);
    }

    public static void WriteMnist(string folder, int train = 6, int test = 4, bool gzip = false)
    {
        Directory.CreateDirectory(folder);
        Write(Path.Combine(folder, "train-images-idx3-ubyte"), MnistImages(train), gzip);
        Write(Path.Combine(folder, "train-labels-idx1-ubyte"), MnistLabels(train), gzip);
        Write(Path.Combine(folder, "t10k-images-idx3-ubyte"), MnistImages(test, first: 100), gzip);
        Write(Path.Combine(folder, "t10k-labels-idx1-ubyte"), MnistLabels(test), gzip);
    }

    /// <summary>A solid-colour image file; the format follows the extension (.png or .jpg).</summary>
    public static void WriteImage(string path, int width, int height, Rgb24 colour)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Image<Rgb24>(width, height, colour);
        if (path.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) image.SaveAsPng(path);
        else image.SaveAsJpeg(path);
    }
}
