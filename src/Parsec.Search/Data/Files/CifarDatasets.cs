namespace Parsec.Search.Data.Files;

/// <summary>
/// CIFAR-10 and CIFAR-100 from their binary distributions: the folder extracted from cifar-10-binary.tar.gz
/// (data_batch_1..5.bin, test_batch.bin, batches.meta.txt) or cifar-100-binary.tar.gz (train.bin, test.bin,
/// fine_label_names.txt, coarse_label_names.txt). The archive's own subfolder may be given or its parent.
/// </summary>
internal static class CifarDatasets
{
    public const string Cifar10Subfolder = "cifar-10-batches-bin";
    public const string Cifar100Subfolder = "cifar-100-binary";
    public static readonly string[] Cifar10TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    public const string Cifar10TestFile = "test_batch.bin";
    public const string Cifar10NamesFile = "batches.meta.txt";
    public const string Cifar100TrainFile = "train.bin";
    public const string Cifar100TestFile = "test.bin";

    public static readonly string[] Cifar10ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The folder holding the CIFAR-10 files: <paramref name="folder"/> itself or its cifar-10-batches-bin, or null.</summary>
    public static string? FindCifar10(string folder) => FindHolding(folder, Cifar10Subfolder, Cifar10TestFile);

    public static string? FindCifar100(string folder) => FindHolding(folder, Cifar100Subfolder, Cifar100TestFile);

    public static DatasetSplits LoadCifar10(string folder)
    {
        string root = FindCifar10(folder) ?? throw Missing(folder, "CIFAR-10", Cifar10Subfolder, [.. Cifar10TrainFiles, Cifar10TestFile]);
        var names = ReadClassNames(Path.Combine(root, Cifar10NamesFile), 10) ?? Cifar10ClassNames;
        var layout = CifarLayout.Cifar10;
        var train = Build("cifar10-train", Cifar10TrainFiles.Select(f => Require(root, f, "CIFAR-10")).ToArray(), layout, names);
        var test = Build("cifar10-test", [Require(root, Cifar10TestFile, "CIFAR-10")], layout, names);
        return new DatasetSplits(DatasetFormat.Cifar10.CliName(), root, train, test).Validated();
    }

    /// <param name="coarse">Use the 20 superclasses instead of the 100 classes.</param>
    public static DatasetSplits LoadCifar100(string folder, bool coarse = false)
    {
        string root = FindCifar100(folder) ?? throw Missing(folder, "CIFAR-100", Cifar100Subfolder, [Cifar100TrainFile, Cifar100TestFile]);
        var layout = coarse ? CifarLayout.Cifar100Coarse : CifarLayout.Cifar100Fine;
        var names = ReadClassNames(Path.Combine(root, coarse ? "coarse_label_names.txt" : "fine_label_names.txt"), layout.Classes);
        var train = Build("cifar100-train", [Require(root, Cifar100TrainFile, "CIFAR-100")], layout, names);
        var test = Build("cifar100-test", [Require(root, Cifar100TestFile, "CIFAR-100")], layout, names);
        return new DatasetSplits(DatasetFormat.Cifar100.CliName(), root, train, test).Validated();
    }

    private static InMemoryDataset Build(string name, string[] paths, CifarLayout layout, IReadOnlyList<string>? classNames)
    {
        var parts = paths.Select(p => CifarBinaryReader.Read(p, layout)).ToList();
        int count = parts.Sum(p => p.Labels.Length);
        var images = new float[(long)count * CifarLayout.PixelBytes];
        var labels = new int[count];
        int at = 0;
        foreach (var part in parts)
        {
            // The files store each image as 3 planes of 32x32 bytes: already the (C, H, W) layout.
            for (int i = 0; i < part.Pixels.Length; i++) images[(long)at * CifarLayout.PixelBytes + i] = PixelValues.ToUnit(part.Pixels[i]);
            part.Labels.CopyTo(labels, at);
            at += part.Labels.Length;
        }
        return new InMemoryDataset(name, images, labels, CifarLayout.Channels, CifarLayout.Side, CifarLayout.Side, layout.Classes, classNames);
    }

    /// <summary>Class names, one per line (blank lines at the end ignored); null when the file is absent.</summary>
    private static string[]? ReadClassNames(string path, int classes)
    {
        if (!File.Exists(path)) return null;
        var names = File.ReadAllLines(path).Select(l => l.Trim()).ToList();
        while (names.Count > 0 && names[^1].Length == 0) names.RemoveAt(names.Count - 1);
        if (names.Count != classes || names.Any(n => n.Length == 0))
            throw new DataFileException(path, $"expected {classes} non-empty class names, one per line; found {names.Count} lines ({names.Count(n => n.Length == 0)} empty)");
        return names.ToArray();
    }

    private static string? FindHolding(string folder, string subfolder, string marker)
    {
        if (File.Exists(Path.Combine(folder, marker))) return folder;
        string nested = Path.Combine(folder, subfolder);
        return File.Exists(Path.Combine(nested, marker)) ? nested : null;
    }

    private static string Require(string root, string file, string dataset)
    {
        string path = Path.Combine(root, file);
        if (!File.Exists(path))
            throw new BadInputException($"{dataset} file missing: {path} (the folder has {string.Join(", ", Directory.GetFiles(root).Select(Path.GetFileName))})");
        return path;
    }

    private static BadInputException Missing(string folder, string dataset, string subfolder, string[] files) =>
        new($"{folder}: no {dataset} files here or in {subfolder}/; expected {string.Join(", ", files)} " +
            $"(the binary version of {dataset}{(dataset == "CIFAR-10" ? "; `parsec download cifar10` fetches it" : "")})");
}
