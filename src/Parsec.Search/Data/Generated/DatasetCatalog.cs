namespace Parsec.Search.Data.Generated;

/// <summary>A generated dataset by name, with its size and seed.</summary>
/// <param name="Name">A name listed by <see cref="DatasetCatalog.Names"/>.</param>
/// <param name="Count">Images to generate; null for the generator's default.</param>
/// <param name="ImageSize">Side of generated images; null for the default.</param>
/// <param name="Seed">Seed of generated data.</param>
internal sealed record DatasetRequest(string Name, int? Count = null, int? ImageSize = null, ulong Seed = 1);

/// <summary>A named way to obtain an <see cref="InMemoryDataset"/>.</summary>
internal sealed record DatasetSource(string Description, Func<DatasetRequest, InMemoryDataset> Load);

/// <summary>
/// The datasets made in code, by name. Commands reach them, and the file formats, through
/// <see cref="Files.DatasetSplitsLoader"/>.
/// </summary>
internal static class DatasetCatalog
{
    // Registration point: one line per generated dataset.
    private static readonly Dictionary<string, DatasetSource> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        [OrientedTextures.Name] = new("10 classes of oriented gratings, generated in code", r => OrientedTextures.Generate(Generated(r))),
        [DistantPairs.Name] = new("2 classes: are two distant dots side by side or one above the other? generated in code", r => DistantPairs.Generate(Generated(r))),
    };

    public static IReadOnlyCollection<string> Names => Sources.Keys;

    public static string Describe() => string.Join(Environment.NewLine, Sources.Select(s => $"  {s.Key,-16} {s.Value.Description}"));

    public static InMemoryDataset Load(DatasetRequest request) =>
        Sources.TryGetValue(request.Name, out var source) ? source.Load(request)
            : throw new BadInputException($"unknown dataset '{request.Name}'; expected one of: {string.Join(", ", Sources.Keys)}");

    private static GeneratedDatasetOptions Generated(DatasetRequest r)
    {
        var defaults = new GeneratedDatasetOptions();
        return new GeneratedDatasetOptions(r.Count ?? defaults.Count, r.ImageSize ?? defaults.ImageSize, r.Seed, defaults.Noise);
    }
}
