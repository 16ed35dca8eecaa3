using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Search.Reports;
using Parsec.Search.Training;
using Parsec.Tests.Data;

namespace Parsec.Tests.Training;

/// <summary>The train, evaluate, data and download commands through the real command line, at toy sizes.</summary>
[TestFixture]
public class CommandLineTests
{
    [Test]
    public void TrainEvaluateAndResumeFromTheCommandLine()
    {
        using var temp = new TempFolder();
        string run = temp["run"];
        string[] tiny = ["--dataset", "textures", "--image-size", "8", "--train-count", "64", "--test-count", "32",
            "--channels", "4", "--layers", "3", "--batch-size", "16", "--no-auxiliary", "--cutout", "0", "--backend", "cpu"];

        Assert.That(CliApp.Run(["train", "--genotype", "DARTS_V1", "--epochs", "1", "--out", run, .. tiny]), Is.EqualTo(CliApp.Success));
        Assert.That(File.Exists(Path.Combine(run, EvaluationCheckpoint.WeightsFileName)), Is.True);
        Assert.That(MetricsFile.Read(Path.Combine(run, MetricsFile.FileName)).Rows, Has.Count.EqualTo(1));

        Assert.That(CliApp.Run(["evaluate", run, "--backend", "cpu"]), Is.EqualTo(CliApp.Success));
        Assert.That(CliApp.Run(["train", "--resume", run, "--backend", "cpu"]), Is.EqualTo(CliApp.Success), "a finished run resumes to its end at once");
        Assert.That(CliApp.Run(["train", "--out", run, "--epochs", "1", .. tiny]), Is.EqualTo(CliApp.UsageError), "a run folder is never overwritten");
        Assert.That(CliApp.Run(["train", "--genotype", "NO_SUCH", "--out", temp["other"], .. tiny]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["train", "--batch-size", "1"]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["evaluate", temp["missing.safetensors"]]), Is.EqualTo(CliApp.UsageError));
    }

    [Test]
    public void DataChecksFoldersAndGeneratedSets()
    {
        using var temp = new TempFolder();
        DatasetFiles.WriteMnist(temp["mnist"], gzip: true);
        Assert.That(CliApp.Run(["data", temp["mnist"]]), Is.EqualTo(CliApp.Success));
        Assert.That(CliApp.Run(["data", temp["mnist"], "--format", "fashion-mnist"]), Is.EqualTo(CliApp.Success));
        Assert.That(CliApp.Run(["data", "--dataset", "distant-pairs", "--image-size", "8", "--train-count", "10", "--test-count", "4"]), Is.EqualTo(CliApp.Success));

        File.WriteAllBytes(temp["mnist/t10k-labels-idx1-ubyte.gz"], [1, 2, 3]);
        Assert.That(CliApp.Run(["data", temp["mnist"]]), Is.EqualTo(CliApp.UsageError), "a corrupt file is reported, not read");
        Assert.That(CliApp.Run(["data", temp.Folder("empty")]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["data", temp["mnist"], "--format", "svhn"]), Is.EqualTo(CliApp.UsageError));
    }

    [Test]
    public void DownloadRefusesOtherDatasetsAndFailsClearlyOffline()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(["download", "mnist", "--dir", temp.Path]), Is.EqualTo(CliApp.UsageError));
        // Port 9 (discard) on the loopback interface: nothing listens there, so the connection is refused at once.
        Assert.That(CliApp.Run(["download", "cifar10", "--dir", temp.Path, "--url", "http://127.0.0.1:9/cifar-10-binary.tar.gz"]),
            Is.Not.EqualTo(CliApp.Success));
        Assert.That(Directory.GetFiles(temp.Path, "*.tar.gz"), Is.Empty, "nothing half-downloaded is taken for the archive");
    }
}
