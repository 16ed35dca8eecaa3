using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Parsec.Search.Data.Files;

/// <summary>
/// Images sorted into one folder per class: root/train/&lt;class&gt;/*.png|jpg|jpeg and root/test/&lt;class&gt;/...
/// (val/ is accepted for test/). Classes are the folder names in ordinal order, so labels are stable across
/// machines; every image is decoded as RGB and resized to size x size.
/// </summary>
internal static class ImageFolderDataset
{
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];
    public const string TrainFolder = "train";
    public static readonly string[] TestFolders = ["test", "val"];

    /// <summary>The train and test folders below <paramref name="root"/>, or null when the layout is not there.</summary>
    public static (string Train, string Test)? FindSplits(string root)
    {
        string train = Path.Combine(root, TrainFolder);
        string? test = TestFolders.Select(t => Path.Combine(root, t)).FirstOrDefault(Directory.Exists);
        return Directory.Exists(train) && test is not null ? (train, test) : null;
    }

    public static DatasetSplits Load(string root, int size)
    {
        var splits = FindSplits(root) ?? throw new BadInputException(
            $"{root}: an image-folder dataset needs {TrainFolder}/ and {string.Join(" or ", TestFolders.Select(t => t + "/"))} subfolders, each with one folder of PNG/JPEG images per class");
        var train = LoadSplit(splits.Train, size, "image-folder-train");
        var test = LoadSplit(splits.Test, size, "image-folder-test");
        if (!train.ClassNames.SequenceEqual(test.ClassNames))
            throw new BadInputException(
                $"{root}: the class folders differ between {splits.Train} ({string.Join(", ", train.ClassNames)}) and {splits.Test} ({string.Join(", ", test.ClassNames)})");
        return new DatasetSplits(DatasetFormat.ImageFolder.CliName(), root, train, test).Validated();
    }

    /// <summary>Reads one folder of class folders into a dataset of 3 x size x size images in [0, 1].</summary>
    public static InMemoryDataset LoadSplit(string folder, int size, string name)
    {
        if (size < 1) throw new BadInputException($"image size must be >= 1, got {size}");
        if (!Directory.Exists(folder)) throw new BadInputException($"image folder not found: {folder}");
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (classes.Length == 0)
            throw new BadInputException($"{folder}: no class folders; expected one subfolder of PNG/JPEG images per class");
        // One class leaves nothing to learn or to search for, and a classifier of one output cannot be trained.
        if (classes.Length == 1)
            throw new BadInputException($"{folder}: only one class folder ({classes[0]}); a classification dataset needs at least two, one subfolder of PNG/JPEG images per class");
        var files = new List<(string Path, int Label)>();
        for (int c = 0; c < classes.Length; c++)
        {
            var images = Directory.GetFiles(Path.Combine(folder, classes[c]))
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToArray();
            if (images.Length == 0)
                throw new BadInputException($"{Path.Combine(folder, classes[c])}: class folder holds no {string.Join("/", Extensions)} images");
            files.AddRange(images.Select(f => (f, c)));
        }
        int length = 3 * size * size;
        var pixels = new float[(long)files.Count * length];
        var labels = new int[files.Count];
        // Decoding dominates loading; images are independent, so they are decoded in parallel into their own
        // slots. Failures are kept per file and the first in file order is thrown, so the error does not
        // depend on thread timing.
        var failures = new Exception?[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            try { Decode(files[i].Path, size, pixels.AsSpan(i * length, length)); }
            catch (Exception e) { failures[i] = e; }
            labels[i] = files[i].Label;
        });
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        return new InMemoryDataset(name, pixels, labels, 3, size, size, classes.Length, classes);
    }

    /// <summary>
    /// The most pixels an image may have: 4096 x 4096. Decoded as 3 bytes a pixel it takes 48 MiB, so a folder decoded on
    /// every core stays within a few hundred MiB; a small file can announce 20000 x 20000 pixels (1.2 GB decoded).
    /// </summary>
    public const long MaxPixels = 4096L * 4096;

    /// <summary>
    /// Decodes one file as RGB, resizes it and writes its planes (3, size, size) into <paramref name="destination"/>. The
    /// size its header announces is checked against <see cref="MaxPixels"/> before anything is decoded. Every failure to
    /// read the file is a <see cref="DataFileException"/> naming it.
    /// </summary>
    internal static void Decode(string path, int size, Span<float> destination)
    {
        Image<Rgb24> image;
        try
        {
            var header = Image.Identify(path) ?? throw new UnknownImageFormatException("no image decoder recognised the header");
            if ((long)header.Width * header.Height > MaxPixels)
                throw new DataFileException(path, $"is {header.Width}x{header.Height} pixels, more than the {MaxPixels:N0} an image may have (4096x4096); shrink it first");
            image = Image.Load<Rgb24>(path);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or EndOfStreamException)
        {
            throw new DataFileException(path, $"cannot be decoded as an image ({e.Message}); expected a PNG or JPEG file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, $"cannot be read ({e.Message})", e);
        }
        using (image)
        {
            if (image.Width != size || image.Height != size) image.Mutate(x => x.Resize(size, size));
            int plane = size * size;
            var rgb = new Rgb24[plane];
            image.CopyPixelDataTo(rgb);
            for (int p = 0; p < plane; p++)
            {
                destination[p] = PixelValues.ToUnit(rgb[p].R);
                destination[plane + p] = PixelValues.ToUnit(rgb[p].G);
                destination[2 * plane + p] = PixelValues.ToUnit(rgb[p].B);
            }
        }
    }
}
