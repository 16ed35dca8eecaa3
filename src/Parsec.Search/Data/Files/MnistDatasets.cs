namespace Parsec.Search.Data.Files;

/// <summary>
/// MNIST and Fashion-MNIST from their IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), gzip-compressed (.gz, as distributed) or not.
/// Both datasets use the same names and layout: 28x28 grey images, 10 classes.
/// </summary>
internal static class MnistDatasets
{
    public const int Side = 28;
    public const int Classes = 10;
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static readonly string[] FashionClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The folder holding the files (<paramref name="folder"/> or its raw/ subfolder, as torchvision lays them out), or null.</summary>
    public static string? Find(string folder)
    {
        foreach (string candidate in new[] { folder, Path.Combine(folder, "raw") })
            if (Resolve(candidate, TestImages) is not null) return candidate;
        return null;
    }

    public static DatasetSplits Load(string folder, DatasetFormat format)
    {
        if (format is not (DatasetFormat.Mnist or DatasetFormat.FashionMnist))
            throw new ArgumentException($"MNIST loader asked for format {format}");
        string label = format == DatasetFormat.Mnist ? "MNIST" : "Fashion-MNIST";
        string root = Find(folder) ?? throw new BadInputException(
            $"{folder}: no {label} files here or in raw/; expected {TrainImages}, {TrainLabels}, {TestImages}, {TestLabels} (each optionally .gz)");
        string name = format.CliName();
        IReadOnlyList<string>? names = format == DatasetFormat.FashionMnist ? FashionClassNames : null;
        var train = LoadPair(root, TrainImages, TrainLabels, $"{name}-train", names);
        var test = LoadPair(root, TestImages, TestLabels, $"{name}-test", names);
        return new DatasetSplits(name, root, train, test).Validated();
    }

    private static InMemoryDataset LoadPair(string root, string imagesName, string labelsName, string name, IReadOnlyList<string>? classNames)
    {
        string imagesPath = Resolve(root, imagesName) ?? throw new BadInputException($"{root}: {imagesName}[.gz] is missing");
        string labelsPath = Resolve(root, labelsName) ?? throw new BadInputException($"{root}: {labelsName}[.gz] is missing");
        var images = IdxReader.Read(imagesPath, IdxReader.ImagesMagic);
        var labels = IdxReader.Read(labelsPath, IdxReader.LabelsMagic);
        if (images.Dimensions[1] != Side || images.Dimensions[2] != Side)
            throw new DataFileException(imagesPath, 8, $"images are {images.Dimensions[1]}x{images.Dimensions[2]}; expected {Side}x{Side}");
        int count = images.Dimensions[0];
        if (labels.Dimensions[0] != count)
            throw new DataFileException(labelsPath, 4, $"holds {labels.Dimensions[0]} labels but {Path.GetFileName(imagesPath)} holds {count} images; expected one label per image");
        var values = labels.Values.Span;
        var result = new int[count];
        const int labelHeader = 8; // magic + one dimension
        for (int i = 0; i < count; i++)
        {
            if (values[i] >= Classes)
                throw new DataFileException(labelsPath, labelHeader + i, $"label {i} is {values[i]}; expected 0..{Classes - 1}");
            result[i] = values[i];
        }
        return new InMemoryDataset(name, PixelValues.ToUnitRange(images.Values.Span), result, 1, Side, Side, Classes, classNames);
    }

    /// <summary>The plain file if present, else the .gz one, else null.</summary>
    private static string? Resolve(string root, string name)
    {
        string plain = Path.Combine(root, name);
        if (File.Exists(plain)) return plain;
        string gz = plain + ".gz";
        return File.Exists(gz) ? gz : null;
    }
}
