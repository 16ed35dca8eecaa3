using Parsec.Search;
using Parsec.Search.Data.Generated;
using Parsec.Search.Data.Pipeline;
using NUnit.Framework;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Data;

[TestFixture]
public class DatasetSplitsLoaderTests
{
    [Test]
    public void DetectsEachFormatFromItsFiles()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp["c10/cifar-10-batches-bin"]);
        DatasetFiles.WriteCifar100(temp["c100"]);
        DatasetFiles.WriteMnist(temp["mnist/raw"], gzip: true);
        DatasetFiles.WriteMnist(temp["FashionMNIST"]);
        DatasetFiles.WriteImage(temp["images/train/a/1.png"], 4, 4, new Rgb24(1, 2, 3));
        DatasetFiles.WriteImage(temp["images/test/a/2.png"], 4, 4, new Rgb24(1, 2, 3));

        Assert.That(DatasetSplitsLoader.Detect(temp["c10"]), Is.EqualTo(DatasetFormat.Cifar10));
        Assert.That(DatasetSplitsLoader.Detect(temp["c100"]), Is.EqualTo(DatasetFormat.Cifar100));
        Assert.That(DatasetSplitsLoader.Detect(temp["mnist"]), Is.EqualTo(DatasetFormat.Mnist));
        Assert.That(DatasetSplitsLoader.Detect(temp["FashionMNIST"]), Is.EqualTo(DatasetFormat.FashionMnist));
        Assert.That(DatasetSplitsLoader.Detect(temp["images"]), Is.EqualTo(DatasetFormat.ImageFolder));
        Assert.That(() => DatasetSplitsLoader.Detect(temp.Folder("nothing")),
            Throws.TypeOf<BadInputException>().With.Message.Contains("--format"));
    }

    [Test]
    public void FileDatasetsByNameNeedAFolderAndHonourCounts()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteCifar10(temp.Path, perBatch: 2, test: 4);
        Assert.That(() => DatasetSplitsLoader.Load(new DatasetSpec("cifar10")),
            Throws.TypeOf<BadInputException>().With.Message.Contains("--data-dir"));

        var data = DatasetSplitsLoader.Load(new DatasetSpec("CIFAR-10", temp.Path, TrainCount: 3, TestCount: 2));
        Assert.That(data.Train.Count, Is.EqualTo(3));
        Assert.That(data.Test.Count, Is.EqualTo(2));
        Assert.That(data.Dataset, Is.EqualTo("cifar10"));
    }

    [Test]
    public void GeneratedDatasetsHaveDistinctTrainAndTestImages()
    {
        var data = DatasetSplitsLoader.Load(new DatasetSpec(DatasetSplitsLoader.DefaultDataset, ImageSize: 8, TrainCount: 20, TestCount: 10, Seed: 3));
        Assert.That(data.Train.Count, Is.EqualTo(20));
        Assert.That(data.Test.Count, Is.EqualTo(10));
        Assert.That(data.Train.ImageShape, Is.EqualTo(new[] { 3, 8, 8 }));
        Assert.That(data.Train.Image(0).ToArray(), Is.Not.EqualTo(data.Test.Image(0).ToArray()));
        Assert.That(DatasetCatalog.Names, Does.Contain(DatasetSplitsLoader.DefaultDataset));
        Assert.That(() => DatasetSplitsLoader.Load(new DatasetSpec("imagenet")),
            Throws.TypeOf<BadInputException>().With.Message.Contains("unknown dataset 'imagenet'"));
    }

    [Test]
    public void StatisticsCountClassesAndMeasureEveryChannel()
    {
        // Two 1x2x2 "images" of 2 channels: channel 0 holds 0,1,2,3 and 4,5,6,7; channel 1 is constant 0.5.
        float[] pixels = [0, 1, 2, 3, .5f, .5f, .5f, .5f, 4, 5, 6, 7, .5f, .5f, .5f, .5f];
        var data = new InMemoryDataset("tiny", pixels, [1, 1], 2, 2, 2, 3);
        var s = DatasetStatistics.Compute(data);

        Assert.That(s.PerClass, Is.EqualTo(new long[] { 0, 2, 0 }));
        Assert.That(s.Mean[0], Is.EqualTo(3.5).Within(1e-12));
        Assert.That(s.Std[0], Is.EqualTo(Math.Sqrt(5.25)).Within(1e-12));
        Assert.That(s.Mean[1], Is.EqualTo(0.5).Within(1e-12));
        Assert.That(s.Std[1], Is.EqualTo(0).Within(1e-12));
        Assert.That((s.Min, s.Max), Is.EqualTo((0f, 7f)));
        // A channel without spread keeps std 1 so that normalising it cannot divide by zero.
        Assert.That(s.ToNormalization().Std[1], Is.EqualTo(1f));
    }
}
