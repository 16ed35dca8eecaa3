using System.ComponentModel;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli.Console;

/// <summary>The dataset options shared by `data`, `train` and `evaluate`.</summary>
internal class DatasetSettings : CommandSettings
{
    // The names of these flags in a --config file are those options.json gives the dataset record (DatasetSpec).
    [CommandOption("--dataset <NAME>")]
    [Flags.ConfigKey("dataset.name")]
    [Description("A generated dataset (textures, distant-pairs) or a file format (cifar10, cifar100, mnist, fashion-mnist, image-folder) read from --data-dir.")]
    public string? Dataset { get; init; }

    [CommandOption("--data-dir <FOLDER>")]
    [Flags.ConfigKey("dataset.folder")]
    [Description("Folder of a file-backed dataset (the extracted archive, or its parent).")]
    public string? DataDir { get; init; }

    [CommandOption("--image-size <PIXELS>")]
    [Flags.ConfigKey("dataset.image_size")]
    [Description("Side of generated images, and of image-folder images after resizing.")]
    [DefaultValue(32)]
    [Flags.Within(1, 4096)]
    public int ImageSize { get; init; } = 32;

    [CommandOption("--train-count <N>")]
    [Flags.ConfigKey("dataset.train_count")]
    [Description("Generated: training images to make. Files: use N training images, a seeded draw (--data-seed) that keeps every class's share.")]
    [Flags.Within(1, 100_000_000)]
    public int? TrainCount { get; init; }

    [CommandOption("--test-count <N>")]
    [Flags.ConfigKey("dataset.test_count")]
    [Description("Generated: test images to make (default 500). Files: use N test images, drawn like --train-count.")]
    [Flags.Within(1, 100_000_000)]
    public int? TestCount { get; init; }

    [CommandOption("--data-seed <SEED>")]
    [Flags.ConfigKey("dataset.seed")]
    [Description("Seed of generated images, and of the subsets --train-count and --test-count draw from files.")]
    [DefaultValue(1UL)]
    public ulong DataSeed { get; init; } = 1;

    [CommandOption("--coarse")]
    [Flags.ConfigKey("dataset.cifar100_coarse")]
    [Description("CIFAR-100: use the 20 superclasses instead of the 100 classes.")]
    public bool Coarse { get; init; }

    /// <summary>The dataset named by these options; with neither --dataset nor --data-dir, <paramref name="fallback"/>.</summary>
    public DatasetSpec ToSpec(string? fallback = DatasetSplitsLoader.DefaultDataset)
    {
        string? name = Dataset;
        if (DataDir is not null && !Directory.Exists(DataDir)) throw new BadInputException($"--data-dir: folder not found: {DataDir}");
        if (name is null && DataDir is not null)
        {
            try { name = DatasetSplitsLoader.Detect(DataDir).CliName(); }
            catch (BadInputException e) { throw new BadInputException($"--data-dir: {e.Message}", e); }
        }
        name ??= fallback ?? throw new BadInputException("name a dataset with --dataset or --data-dir");
        return new DatasetSpec(name, DataDir is null ? null : Path.GetFullPath(DataDir), ImageSize, TrainCount, TestCount, DataSeed, Coarse);
    }

    /// <summary>The ranges of the dataset flags are declared on them ([Within]) and checked with every command's.</summary>
    public override ValidationResult Validate() => ValidationResult.Success();
}
