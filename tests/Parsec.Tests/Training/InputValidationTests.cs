using NUnit.Framework;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using SixLabors.ImageSharp.PixelFormats;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Training;

/// <summary>Bad input is refused before a run folder is touched, with a message that names the file, folder or flag.</summary>
[NonParallelizable] // the command line writes to the shared console
public class InputValidationTests
{
    [Test]
    public void ATruncatedGzipFileIsReportedAsGzipNamingTheFile()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp["mnist"], train: 40, gzip: true);
        string images = temp["mnist/train-images-idx3-ubyte.gz"];
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);

        var (code, output) = CapturedCli.Run("data", temp["mnist"]);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain(images).And.Contain("gzip stream is truncated or corrupt"));
    }

    [Test]
    public void AOneClassImageFolderIsRefusedByDataNamingTheFolder()
    {
        using var temp = new TempFolder();
        foreach (string split in new[] { "train", "test" })
        {
            DatasetFiles.WriteImage(temp[$"images/{split}/cat/a.png"], 8, 8, new Rgb24(200, 10, 10));
            DatasetFiles.WriteImage(temp[$"images/{split}/cat/b.png"], 8, 8, new Rgb24(10, 10, 200));
        }
        var (code, output) = CapturedCli.Run("data", temp["images"]);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain(temp["images/train"]).And.Contain("only one class folder (cat)"));
    }

    [Test]
    public void TheAuxiliaryHeadOnSmallImagesIsRefusedBeforeTheRunFolderExists()
    {
        using var temp = new TempFolder();
        string[] args = ["train", "--dataset", "textures", "--image-size", "16", "--train-count", "32", "--test-count", "16", "--channels", "4",
            "--layers", "3", "--batch-size", "8", "--epochs", "1", "--backend", "cpu", "--out", temp["run"]];
        var (code, output) = CapturedCli.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain("--image-size").And.Contain("--no-auxiliary"));
        Assert.That(Directory.Exists(temp["run"]), Is.False, "nothing was written");
    }

    [Test]
    public void ATrainingRunThatDivergesStopsWithTheNonFiniteCode()
    {
        using var temp = new TempFolder();
        var (code, output) = CapturedCli.Run(TinyCommands.Train(temp["run"], 3, "--lr", "1e30", "--grad-clip", "1e30"));
        Assert.That(code, Is.EqualTo(ExitCodes.NonFinite), output);
        Assert.That(output, Does.Contain("NaN or infinity").Or.Contain("training diverged"));
        Assert.That(File.Exists(temp["run/weights.safetensors"]), Is.False);
        Assert.That(File.ReadAllText(temp["run/nan_report.txt"]), Does.Contain("training diverged").And.Contain("lower --lr"));
    }
}
