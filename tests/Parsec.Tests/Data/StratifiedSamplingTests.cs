using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using Parsec.Search.Loop;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Data;

/// <summary>
/// The search's split and the file subsets keep every class whatever the stored order: an image folder is stored
/// class by class, and "the first half" of it once gave the weights classes 0-4 and pi classes 5-9.
/// </summary>
public class StratifiedSamplingTests
{
    /// <summary>Labels stored class by class, as an image folder lists them: 10 classes of 37, 20, 20, ... images.</summary>
    private static int[] ClassSortedLabels() =>
        Enumerable.Range(0, 10).SelectMany(c => Enumerable.Repeat(c, c == 0 ? 37 : 20)).ToArray();

    [Test]
    public void SplitOfClassSortedLabelsGivesBothPartsEveryClassInItsShare()
    {
        var labels = ClassSortedLabels();
        var (first, second) = StratifiedSampling.Split(labels, 10, 0.5, new Rng(3));

        Assert.That(first.Length, Is.EqualTo(labels.Length / 2));
        Assert.That(first.Concat(second).OrderBy(i => i), Is.EqualTo(Enumerable.Range(0, labels.Length)), "disjoint and complete");
        var firstCounts = StratifiedSampling.Histogram(labels, 10, first);
        var secondCounts = StratifiedSampling.Histogram(labels, 10, second);
        Assert.That(firstCounts.Skip(1), Is.All.EqualTo(10), "every class of 20 gives half of its images");
        Assert.That(firstCounts[0], Is.EqualTo(18).Or.EqualTo(19), "37 images give 18 or 19");
        Assert.That(secondCounts, Is.All.GreaterThan(0));
        // The order within a part is mixed: its first tenth is not one class.
        Assert.That(first.Take(first.Length / 10).Select(i => labels[i]).Distinct().Count(), Is.GreaterThan(2));
    }

    [Test]
    public void SplitIsAFunctionOfItsSeed()
    {
        var labels = ClassSortedLabels();
        var a = StratifiedSampling.Split(labels, 10, 0.3, new Rng(5));
        var b = StratifiedSampling.Split(labels, 10, 0.3, new Rng(5));
        var c = StratifiedSampling.Split(labels, 10, 0.3, new Rng(6));
        Assert.That(a.First, Is.EqualTo(b.First));
        Assert.That(a.Second, Is.EqualTo(b.Second));
        Assert.That(c.First, Is.Not.EqualTo(a.First));
    }

    [Test]
    public void QuotasApportionTheCountByLargestRemainders()
    {
        // 7 of (5, 3, 2): exact shares 3.5, 2.1, 1.4 -> floors 3, 2, 1 and the one left goes to the largest remainder.
        Assert.That(StratifiedSampling.Quotas([5, 3, 2], 7), Is.EqualTo(new[] { 4, 2, 1 }));
        Assert.That(StratifiedSampling.Quotas([5, 3, 2], 10), Is.EqualTo(new[] { 5, 3, 2 }));
        Assert.That(StratifiedSampling.Quotas([5, 0, 2], 0), Is.EqualTo(new[] { 0, 0, 0 }));
        Assert.That(StratifiedSampling.Subset(ClassSortedLabels(), 10, 10, new Rng(1)).Select(i => ClassSortedLabels()[i]).Distinct().Count(),
            Is.EqualTo(10), "10 of 217 images: one of each class");
    }

    [Test]
    public void TrainCountOnAClassSortedImageFolderKeepsEveryClass()
    {
        using var temp = new TempFolder();
        var colours = new[] { new Rgb24(255, 0, 0), new Rgb24(0, 255, 0), new Rgb24(0, 0, 255), new Rgb24(200, 200, 0) };
        for (int c = 0; c < colours.Length; c++)
            for (int i = 0; i < 6; i++)
            {
                DatasetFiles.WriteImage(temp[$"train/class{c}/{i}.png"], 4, 4, colours[c]);
                DatasetFiles.WriteImage(temp[$"test/class{c}/{i}.png"], 4, 4, colours[c]);
            }
        var spec = new DatasetSpec("image-folder", temp.Path, ImageSize: 4, TrainCount: 8, TestCount: 4);

        var data = DatasetSplitsLoader.Load(spec);

        Assert.That(StratifiedSampling.Histogram(data.Train.AllLabels, 4), Is.EqualTo(new[] { 2, 2, 2, 2 }));
        Assert.That(StratifiedSampling.Histogram(data.Test.AllLabels, 4), Is.EqualTo(new[] { 1, 1, 1, 1 }));
        // The rule files written before it used: the first images in stored order, two classes only.
        var legacy = DatasetSplitsLoader.Load(spec with { Subset = SubsetRule.First });
        Assert.That(StratifiedSampling.Histogram(legacy.Train.AllLabels, 4), Is.EqualTo(new[] { 6, 2, 0, 0 }));
    }

    [Test]
    public void SearchSplitOfAClassSortedSetHoldsEveryClassOnBothSidesAndIgnoresTheSearchSeed()
    {
        var labels = ClassSortedLabels();
        var data = new InMemoryDataset("sorted", new float[labels.Length * 4], labels, 1, 2, 2, 10);
        var options = new SearchOptions();

        var (weights, pi) = SearchSession.SplitForSearch(data, options);
        Assert.That(StratifiedSampling.Histogram(weights.AllLabels, 10), Is.All.GreaterThan(0));
        Assert.That(StratifiedSampling.Histogram(pi.AllLabels, 10), Is.All.GreaterThan(0));

        var (otherSeed, _) = SearchSession.SplitForSearch(data, options with { Seed = 7 });
        Assert.That(otherSeed.AllLabels.ToArray(), Is.EqualTo(weights.AllLabels.ToArray()), "--seed leaves the split alone");
        var (otherSplit, _) = SearchSession.SplitForSearch(data, options with { SplitSeed = 7 });
        Assert.That(otherSplit.AllLabels.ToArray(), Is.Not.EqualTo(weights.AllLabels.ToArray()), "--split-seed draws another split");
        var (ordered, _) = SearchSession.SplitForSearch(data, options with { Split = SubsetRule.First });
        Assert.That(StratifiedSampling.Histogram(ordered.AllLabels, 10).Count(n => n > 0), Is.LessThan(10), "the old rule, for old runs: stored order");
    }
}
