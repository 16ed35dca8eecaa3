using Parsec.Search.Data.Generated;
namespace Parsec.Search.Data.Files;

/// <summary>The file formats the loaders understand (generated datasets need no files; see <see cref="DatasetCatalog"/>).</summary>
internal enum DatasetFormat
{
    Cifar10,
    Cifar100,
    Mnist,
    FashionMnist,
    /// <summary>One folder per class of PNG/JPEG files (train/ and test/ side by side).</summary>
    ImageFolder,
}

internal static class DatasetFormats
{
    private static readonly (DatasetFormat Format, string Name)[] Names =
    [
        (DatasetFormat.Cifar10, "cifar10"),
        (DatasetFormat.Cifar100, "cifar100"),
        (DatasetFormat.Mnist, "mnist"),
        (DatasetFormat.FashionMnist, "fashion-mnist"),
        (DatasetFormat.ImageFolder, "image-folder"),
    ];

    public static string AllNames => string.Join(", ", Names.Select(n => n.Name));

    public static string CliName(this DatasetFormat format) => Names.First(n => n.Format == format).Name;

    /// <summary>Parses a command-line name ("cifar10", "fashion-mnist", ...), ignoring case, '-' and '_'.</summary>
    public static DatasetFormat Parse(string name, string option = "--format") =>
        TryParse(name, out var format) ? format
            : throw new BadInputException($"{option}: unknown dataset format '{name}'; expected one of: {AllNames}");

    public static bool TryParse(string name, out DatasetFormat format)
    {
        string key = Normalize(name);
        foreach (var (f, n) in Names)
            if (Normalize(n) == key)
            {
                format = f;
                return true;
            }
        format = default;
        return false;
    }

    private static string Normalize(string s) => s.Replace("-", "").Replace("_", "").ToLowerInvariant();
}
