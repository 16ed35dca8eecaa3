using Parsec.Search.Space;

namespace Parsec.Search.Training;

/// <summary>
/// Cells published by DARTS (Liu, Simonyan, Yang, ICLR 2019), as listed in the reference repository's
/// genotypes.py: V1 from the first-order search, V2 (the paper's 2.76 % CIFAR-10 cell) from the second-order one.
/// </summary>
internal static class PublishedGenotypes
{
    public static readonly Genotype DartsV1 = new(
        Normal:
        [
            new(Primitives.SepConv3x3, 1), new(Primitives.SepConv3x3, 0),
            new(Primitives.SkipConnect, 0), new(Primitives.SepConv3x3, 1),
            new(Primitives.SkipConnect, 0), new(Primitives.SepConv3x3, 1),
            new(Primitives.SepConv3x3, 0), new(Primitives.SkipConnect, 2),
        ],
        Reduce:
        [
            new(Primitives.MaxPool3x3, 0), new(Primitives.MaxPool3x3, 1),
            new(Primitives.SkipConnect, 2), new(Primitives.MaxPool3x3, 0),
            new(Primitives.MaxPool3x3, 0), new(Primitives.SkipConnect, 2),
            new(Primitives.SkipConnect, 2), new(Primitives.AvgPool3x3, 0),
        ]);

    public static readonly Genotype DartsV2 = new(
        Normal:
        [
            new(Primitives.SepConv3x3, 0), new(Primitives.SepConv3x3, 1),
            new(Primitives.SepConv3x3, 0), new(Primitives.SepConv3x3, 1),
            new(Primitives.SepConv3x3, 1), new(Primitives.SkipConnect, 0),
            new(Primitives.SkipConnect, 0), new(Primitives.DilConv3x3, 2),
        ],
        Reduce:
        [
            new(Primitives.MaxPool3x3, 0), new(Primitives.MaxPool3x3, 1),
            new(Primitives.SkipConnect, 2), new(Primitives.MaxPool3x3, 1),
            new(Primitives.MaxPool3x3, 0), new(Primitives.SkipConnect, 2),
            new(Primitives.SkipConnect, 2), new(Primitives.MaxPool3x3, 1),
        ]);

    public static readonly IReadOnlyDictionary<string, Genotype> ByName = new Dictionary<string, Genotype>(StringComparer.OrdinalIgnoreCase)
    {
        ["DARTS_V1"] = DartsV1,
        ["DARTS_V2"] = DartsV2,
    };

    /// <summary>
    /// A published genotype by name (DARTS_V1, DARTS_V2), or else a genotype JSON file. The error lists both
    /// possibilities so that a typo in either is easy to spot.
    /// </summary>
    public static Genotype Resolve(string nameOrPath)
    {
        if (ByName.TryGetValue(nameOrPath, out var published)) return published;
        if (File.Exists(nameOrPath)) return Genotype.Load(nameOrPath);
        throw new BadInputException(
            $"genotype '{nameOrPath}' is neither a published genotype ({string.Join(", ", ByName.Keys)}) nor an existing JSON file");
    }
}
