namespace Parsec.Search.Data.Files;

/// <summary>
/// Where operating-system packages install datasets, so that `--dataset NAME` works without --data-dir when
/// such a package is installed. Debian's dataset-fashion-mnist puts the real Fashion-MNIST (IDX, gzip) in
/// /usr/share/datasets/fashion-mnist.
/// </summary>
internal static class SystemDatasetFolders
{
    private static readonly Dictionary<DatasetFormat, (string Folder, string Install)> Known = new()
    {
        [DatasetFormat.FashionMnist] = ("/usr/share/datasets/fashion-mnist", "apt-get install dataset-fashion-mnist (Debian, Ubuntu)"),
    };

    /// <summary>The installed folder of <paramref name="format"/>, or null when none is known or it is absent.</summary>
    public static string? Find(DatasetFormat format) =>
        Known.TryGetValue(format, out var known) && Directory.Exists(known.Folder) ? known.Folder : null;

    /// <summary>The error for a file-backed dataset named without --data-dir and not installed where a package would put it.</summary>
    public static string MissingFolderMessage(string datasetName, DatasetFormat format) =>
        Known.TryGetValue(format, out var known)
            ? $"dataset '{datasetName}' is read from files: give its folder with --data-dir, or install it to {known.Folder} with: {known.Install}"
            : $"dataset '{datasetName}' is read from files: give its folder with --data-dir";
}
