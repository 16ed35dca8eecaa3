using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Parsec.Autodiff;
using Parsec.Search.Data.Generated;

namespace Parsec.Search.Data.Files;

/// <summary>How a subset of a stored image set is chosen.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SubsetRule>))]
public enum SubsetRule
{
    /// <summary>A seeded draw that keeps every class's share (<see cref="StratifiedSampling"/>).</summary>
    [JsonStringEnumMemberName("stratified")] Stratified,
    /// <summary>The first images in stored order: what files written before the stratified rule used, kept so that they resume unchanged.</summary>
    [JsonStringEnumMemberName("first")] First,
}

/// <summary>Which dataset a command reads.</summary>
/// <param name="Name">A file format (cifar10, cifar100, mnist, fashion-mnist, image-folder) or a generated dataset of <see cref="DatasetCatalog"/>.</param>
/// <param name="Folder">Where a file-backed dataset lives.</param>
/// <param name="ImageSize">Side of generated images, and of image-folder images after resizing.</param>
/// <param name="TrainCount">Generated: images to make. Files: keep this many, chosen by <paramref name="Subset"/> (quick runs).</param>
/// <param name="TestCount">As <paramref name="TrainCount"/>, for the test set.</param>
/// <param name="Seed">
/// Seed of generated images, and of the stratified subsets <paramref name="TrainCount"/> and <paramref name="TestCount"/>
/// draw from files (the test set uses a seed derived from it, so the sets differ).
/// </param>
/// <param name="Cifar100Coarse">CIFAR-100 with its 20 superclasses instead of the 100 classes.</param>
/// <param name="Subset">How the counts choose images from files; files that do not say are from before the stratified rule and read as <see cref="SubsetRule.First"/>.</param>
public sealed record DatasetSpec(string Name, string? Folder = null, int ImageSize = 32, int? TrainCount = null, int? TestCount = null,
    ulong Seed = 1, bool Cifar100Coarse = false, SubsetRule Subset = SubsetRule.Stratified)
{
    public const string SubsetKey = "subset";

    /// <summary>
    /// Marks a dataset object written before the subset rule was recorded as <see cref="SubsetRule.First"/>, which is
    /// what it ran with; every reader of saved options calls it before deserialising.
    /// </summary>
    public static void UpgradeJson(JsonNode? dataset)
    {
        if (dataset is JsonObject spec && !spec.ContainsKey(SubsetKey)) spec[SubsetKey] = "first";
    }
}

/// <summary>
/// Turns a <see cref="DatasetSpec"/> into training and test sets: file formats through their loaders (the
/// format detected from the folder's content when not given), generated datasets through the catalog.
/// </summary>
internal static class DatasetSplitsLoader
{
    /// <summary>The dataset commands use when none is named: generated, so that they run offline.</summary>
    public const string DefaultDataset = OrientedTextures.Name;
    public const int DefaultGeneratedTestCount = 500;

    public static DatasetSplits Load(DatasetSpec spec)
    {
        if (DatasetFormats.TryParse(spec.Name, out var format))
        {
            string folder = spec.Folder ?? SystemDatasetFolders.Find(format)
                ?? throw new BadInputException(SystemDatasetFolders.MissingFolderMessage(spec.Name, format));
            return Limit(LoadFolder(folder, format, spec.ImageSize, spec.Cifar100Coarse), spec);
        }
        if (!DatasetCatalog.Names.Contains(spec.Name, StringComparer.OrdinalIgnoreCase))
            throw new BadInputException(
                $"--dataset: unknown dataset '{spec.Name}'; expected a file format ({DatasetFormats.AllNames}) or a generated dataset ({string.Join(", ", DatasetCatalog.Names)})");
        var train = DatasetCatalog.Load(new DatasetRequest(spec.Name, spec.TrainCount, spec.ImageSize, spec.Seed));
        // The complement of the seed gives an unrelated stream: test images are new draws from the same distribution.
        var test = DatasetCatalog.Load(new DatasetRequest(spec.Name, spec.TestCount ?? DefaultGeneratedTestCount, spec.ImageSize, ~spec.Seed));
        return new DatasetSplits(spec.Name, $"generated (seed {spec.Seed})", train, test).Validated();
    }

    /// <summary>Loads a folder in <paramref name="format"/>, or in the format its content shows when null.</summary>
    public static DatasetSplits LoadFolder(string folder, DatasetFormat? format, int imageSize = 32, bool cifar100Coarse = false)
    {
        if (!Directory.Exists(folder)) throw new BadInputException($"dataset folder not found: {folder}");
        // A folder that cannot be listed would otherwise read as one without the dataset's files.
        try { using var entries = Directory.EnumerateFileSystemEntries(folder).GetEnumerator(); entries.MoveNext(); }
        catch (UnauthorizedAccessException e) { throw new UnauthorizedAccessException($"dataset folder {folder} cannot be read ({e.Message}): check its permissions", e); }
        return (format ?? Detect(folder)) switch
        {
            DatasetFormat.Cifar10 => CifarDatasets.LoadCifar10(folder),
            DatasetFormat.Cifar100 => CifarDatasets.LoadCifar100(folder, cifar100Coarse),
            DatasetFormat.Mnist => MnistDatasets.Load(folder, DatasetFormat.Mnist),
            DatasetFormat.FashionMnist => MnistDatasets.Load(folder, DatasetFormat.FashionMnist),
            DatasetFormat.ImageFolder => ImageFolderDataset.Load(folder, imageSize),
            var other => throw new ArgumentOutOfRangeException(nameof(format), other, "unknown dataset format"),
        };
    }

    /// <summary>
    /// The format a folder's files announce. MNIST and Fashion-MNIST share file names, so the folder's name
    /// decides between them ("fashion" in it means Fashion-MNIST); --format overrides.
    /// </summary>
    public static DatasetFormat Detect(string folder)
    {
        if (CifarDatasets.FindCifar10(folder) is not null) return DatasetFormat.Cifar10;
        if (CifarDatasets.FindCifar100(folder) is not null) return DatasetFormat.Cifar100;
        if (MnistDatasets.Find(folder) is not null)
            return Path.GetFullPath(folder).Contains("fashion", StringComparison.OrdinalIgnoreCase) ? DatasetFormat.FashionMnist : DatasetFormat.Mnist;
        if (ImageFolderDataset.FindSplits(folder) is not null) return DatasetFormat.ImageFolder;
        throw new BadInputException(
            $"{folder}: cannot tell the dataset format; looked for {CifarDatasets.Cifar10TestFile} (CIFAR-10), {CifarDatasets.Cifar100TestFile} (CIFAR-100), " +
            $"{MnistDatasets.TestImages}[.gz] (MNIST, Fashion-MNIST) and train/ + test/ class folders (image-folder), also in the archives' own subfolders. " +
            $"Name the format with --format ({DatasetFormats.AllNames}).");
    }

    private static DatasetSplits Limit(DatasetSplits splits, DatasetSpec spec) => splits with
    {
        Train = Limit(splits.Train, spec.TrainCount, spec.Subset, spec.Seed),
        // The complement of the seed: the test subset is not drawn with the training subset's stream.
        Test = Limit(splits.Test, spec.TestCount, spec.Subset, ~spec.Seed),
    };

    private static InMemoryDataset Limit(InMemoryDataset data, int? count, SubsetRule rule, ulong seed)
    {
        if (count is not int n || n >= data.Count) return data;
        n = Math.Max(n, 1);
        var indices = rule == SubsetRule.First ? Enumerable.Range(0, n).ToArray() : StratifiedSampling.Subset(data.AllLabels, data.Classes, n, new Rng(seed));
        return data.Subset(indices, data.Name);
    }
}
