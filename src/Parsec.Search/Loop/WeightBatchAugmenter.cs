using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Pipeline;

namespace Parsec.Search.Loop;

/// <summary>
/// Augments the batches that train a search's shared weights (<see cref="SearchAugment.Dataset"/>). Each iteration's
/// crops and flips are drawn from a generator seeded by the search's augmentation seed and the iteration number, so the
/// augmentation keeps no state of its own: a resumed search, and every rank of an MPI search, augment an iteration's
/// batch identically.
/// </summary>
internal sealed class WeightBatchAugmenter
{
    private readonly AugmentationOptions _augmentation;
    // The pixels are already what the search feeds (raw or standardised), so a crop's border is 0: black for raw pixels,
    // the mean for standardised ones.
    private readonly ChannelNormalization _unchanged;
    private readonly ulong _seed;

    private WeightBatchAugmenter(AugmentationOptions augmentation, int channels, ulong seed)
    {
        _augmentation = augmentation;
        _unchanged = ChannelNormalization.Identity(channels);
        _seed = seed;
    }

    /// <summary>The augmenter <paramref name="options"/> ask for on <paramref name="data"/>, or null for none.</summary>
    public static WeightBatchAugmenter? For(SearchOptions options, InMemoryDataset data, ulong seed) =>
        options.Augment == SearchAugment.None ? null
        // DARTS' search applies no cutout either: it hides a quarter of a 32x32 image, too much for one look at a batch.
        : new(DatasetAugmentation.For(options.Dataset.Name, data.Height) with { CutoutSize = 0 }, data.Channels, seed);

    public AugmentationOptions Augmentation => _augmentation;

    /// <summary>Augments every image of <paramref name="batch"/> in place with the draws of iteration <paramref name="iteration"/>.</summary>
    public void Apply(HostBatch batch, int iteration)
    {
        // An odd multiplier unlike SplitMix's own increment, so that consecutive iterations' generators share no state.
        var rng = new Rng(_seed ^ (ulong)iteration * 0xD1B54A32D192ED03UL);
        var (channels, height, width) = (batch.Shape[1], batch.Shape[2], batch.Shape[3]);
        int length = channels * height * width;
        var source = new float[length];
        for (int i = 0; i < batch.Count; i++)
        {
            var image = batch.Images.AsSpan(i * length, length);
            image.CopyTo(source);
            ImageAugmenter.Augment(source, image, channels, height, width, _unchanged, _augmentation, rng);
        }
    }
}
