using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Data.Files;

namespace Parsec.Tests.Data;

[TestFixture]
public class MnistLoaderTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void LoadsPlainAndGzippedIdxFiles(bool gzip)
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path, train: 6, test: 4, gzip: gzip);

        var data = MnistDatasets.Load(temp.Path, DatasetFormat.Mnist);

        Assert.That(data.Train.Count, Is.EqualTo(6));
        Assert.That(data.Test.Count, Is.EqualTo(4));
        Assert.That(data.Train.ImageShape, Is.EqualTo(new[] { 1, 28, 28 }));
        Assert.That(data.Train.Label(5), Is.EqualTo(5 * 3 % 10));
        Assert.That(data.Train.Image(4)[300], Is.EqualTo(DatasetFiles.Pixel(4, 300) / 255f));
        Assert.That(data.Test.Image(3)[783], Is.EqualTo(DatasetFiles.Pixel(103, 783) / 255f));
    }

    [Test]
    public void FashionMnistHasItsClassNames()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path, gzip: true);
        var data = MnistDatasets.Load(temp.Path, DatasetFormat.FashionMnist);
        Assert.That(data.Train.ClassNames[9], Is.EqualTo("Ankle boot"));
        Assert.That(data.Dataset, Is.EqualTo("fashion-mnist"));
    }

    [Test]
    public void WrongMagicNumberIsNamed()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path);
        // A label file where the images should be: magic 2049 instead of 2051.
        File.WriteAllBytes(temp["train-images-idx3-ubyte"], DatasetFiles.MnistLabels(6));

        var e = Assert.Throws<DataFileException>(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist))!;
        Assert.That(e.Offset, Is.EqualTo(0));
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte").And.Contain("magic number is 2049").And.Contain("expected 2051"));
    }

    [Test]
    public void TruncatedAndOverlongFilesAreRefused()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path);
        var images = DatasetFiles.MnistImages(6);
        File.WriteAllBytes(temp["train-images-idx3-ubyte"], images[..^10]);
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<DataFileException>().With.Message.Contains("truncated").And.Message.Contains($"need {images.Length} bytes"));

        File.WriteAllBytes(temp["train-images-idx3-ubyte"], [.. images, 1, 2, 3]);
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<DataFileException>().With.Message.Contains("3 unexpected bytes"));

        File.WriteAllBytes(temp["train-images-idx3-ubyte"], images[..10]);
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<DataFileException>().With.Message.Contains("ends inside the header"));
    }

    [Test]
    public void TruncatedGzipStreamIsRefused()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path, gzip: true);
        string path = temp["t10k-images-idx3-ubyte.gz"];
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var e = Assert.Throws<DataFileException>(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist))!;
        Assert.That(e.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void WrongImageSizeIsRefused()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path);
        File.WriteAllBytes(temp["t10k-images-idx3-ubyte"], DatasetFiles.MnistImages(4, side: 20));
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<DataFileException>().With.Message.Contains("t10k-images-idx3-ubyte").And.Message.Contains("20x20; expected 28x28"));
    }

    [Test]
    public void LabelCountAndRangeAreChecked()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path);
        File.WriteAllBytes(temp["train-labels-idx1-ubyte"], DatasetFiles.MnistLabels(5));
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<DataFileException>().With.Message.Contains("holds 5 labels but train-images-idx3-ubyte holds 6 images"));

        File.WriteAllBytes(temp["train-labels-idx1-ubyte"], DatasetFiles.Idx(2049, [6], [0, 1, 2, 11, 4, 5]));
        var e = Assert.Throws<DataFileException>(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist))!;
        Assert.That(e.Offset, Is.EqualTo(8 + 3));
        Assert.That(e.Message, Does.Contain("label 3 is 11; expected 0..9"));
    }

    [Test]
    public void MissingFilesAreListed()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp.Path);
        File.Delete(temp["train-labels-idx1-ubyte"]);
        Assert.That(() => MnistDatasets.Load(temp.Path, DatasetFormat.Mnist),
            Throws.TypeOf<BadInputException>().With.Message.Contains("train-labels-idx1-ubyte[.gz] is missing"));
    }
}
