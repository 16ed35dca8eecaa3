using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Data.Files;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Data;

[TestFixture]
public class ImageFolderTests
{
    private static void WriteSplit(string folder)
    {
        DatasetFiles.WriteImage(Path.Combine(folder, "red", "a.png"), 10, 6, new Rgb24(255, 0, 0));
        DatasetFiles.WriteImage(Path.Combine(folder, "red", "b.PNG"), 40, 40, new Rgb24(255, 0, 0));
        DatasetFiles.WriteImage(Path.Combine(folder, "blue", "c.jpg"), 16, 16, new Rgb24(0, 0, 255));
        File.WriteAllText(Path.Combine(folder, "blue", "notes.txt"), "not an image: ignored");
    }

    [Test]
    public void DecodesPngAndJpegResizesAndSortsClasses()
    {
        using var temp = new TempFolder();
        WriteSplit(temp["train"]);
        WriteSplit(temp["test"]);

        var data = ImageFolderDataset.Load(temp.Path, size: 8);

        Assert.That(data.Train.ClassNames, Is.EqualTo(new[] { "blue", "red" }));
        Assert.That(data.Train.Count, Is.EqualTo(3));
        Assert.That(data.Train.ImageShape, Is.EqualTo(new[] { 3, 8, 8 }));
        Assert.That(data.Train.AllLabels.ToArray(), Is.EqualTo(new[] { 0, 1, 1 }));
        // Solid colours survive resizing (and JPEG, within its error): red image -> channel 0 near 1, channel 2 near 0.
        var red = data.Train.Image(1);
        Assert.That(red[0], Is.EqualTo(1f).Within(1e-3));
        Assert.That(red[2 * 64 + 10], Is.EqualTo(0f).Within(1e-3));
        var blue = data.Train.Image(0);
        Assert.That(blue[2 * 64 + 63], Is.EqualTo(1f).Within(0.03));
        Assert.That(blue[5], Is.EqualTo(0f).Within(0.03));
    }

    [Test]
    public void CorruptImageNamesTheFile()
    {
        using var temp = new TempFolder();
        WriteSplit(temp["train"]);
        WriteSplit(temp["val"]);
        File.WriteAllText(temp["train/red/z.png"], "this is text, not a PNG");

        var e = Assert.Throws<DataFileException>(() => ImageFolderDataset.Load(temp.Path, 8))!;
        Assert.That(e.Message, Does.Contain("z.png").And.Contain("cannot be decoded"));
    }

    [Test]
    public void TruncatedPngIsRefused()
    {
        using var temp = new TempFolder();
        WriteSplit(temp["train"]);
        string bad = temp["train/red/b.PNG"];
        var bytes = File.ReadAllBytes(bad);
        File.WriteAllBytes(bad, bytes[..(bytes.Length / 3)]);
        Assert.That(() => ImageFolderDataset.LoadSplit(temp["train"], 8, "t"),
            Throws.TypeOf<DataFileException>().With.Message.Contains("b.PNG"));
    }

    [Test]
    public void LayoutProblemsAreExplained()
    {
        using var temp = new TempFolder();
        WriteSplit(temp["train"]);
        Assert.That(() => ImageFolderDataset.Load(temp.Path, 8), Throws.TypeOf<BadInputException>().With.Message.Contains("test/"));

        WriteSplit(temp["test"]);
        Directory.CreateDirectory(temp["test/green"]);
        Assert.That(() => ImageFolderDataset.Load(temp.Path, 8),
            Throws.TypeOf<BadInputException>().With.Message.Contains("green").And.Message.Contains("holds no"));

        DatasetFiles.WriteImage(temp["test/green/g.png"], 4, 4, new Rgb24(0, 255, 0));
        Assert.That(() => ImageFolderDataset.Load(temp.Path, 8),
            Throws.TypeOf<BadInputException>().With.Message.Contains("class folders differ"));
    }
}
