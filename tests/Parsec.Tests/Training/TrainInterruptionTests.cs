using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Search.Reports;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Training;

/// <summary>`parsec train` under real signals and a second process: it stops at its last epoch checkpoint, resumes to byte-identical weights, and one run folder takes one run.</summary>
[NonParallelizable] // child processes and the shared console
public class TrainInterruptionTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private const int Epochs = 20;

    private static string Metrics(string folder) => Path.Combine(folder, MetricsFile.FileName);
    private static string Weights(string folder) => Path.Combine(folder, EvaluationCheckpoint.WeightsFileName);

    private static string Uninterrupted(TempFolder temp)
    {
        Assert.That(CliApp.Run(TinyCommands.Train(temp["whole"], Epochs)), Is.EqualTo(ExitCodes.Done));
        return temp["whole"];
    }

    private static void AssertSameEnd(string expected, string actual)
    {
        Assert.That(File.ReadAllBytes(Weights(actual)), Is.EqualTo(File.ReadAllBytes(Weights(expected))), "weights.safetensors, metadata included, is byte-identical");
        var a = MetricsFile.Read(Metrics(expected));
        var b = MetricsFile.Read(Metrics(actual));
        Assert.That(b.Series(MetricsFile.Epoch).Y, Is.EqualTo(Enumerable.Range(1, Epochs).Select(e => (double)e)), "each epoch is logged once");
        Assert.That(b.Series(MetricsFile.TrainLoss).Y, Is.EqualTo(a.Series(MetricsFile.TrainLoss).Y));
    }

    [Test]
    public void SigtermOrSigintKeepsTheLastEpochCheckpointPrintsTheResumeCommandAndTheResumeIsByteIdentical([Values("TERM", "INT")] string signal)
    {
        using var temp = new TempFolder();
        string whole = Uninterrupted(temp);
        string split = temp["split"];
        var (code, output) = ParsecProcess.SignalWhen(TinyCommands.Train(split, Epochs), signal,
            () => TinyCommands.Lines(Metrics(split)) >= 2, "its second epoch", Limit);
        Assert.That(code, Is.EqualTo(ExitCodes.Stopped), output);
        Assert.That(output, Does.Contain("continue with: parsec train --resume"));
        Assert.That(File.Exists(Weights(split)), Is.False, "the run stopped before its end");
        Assert.That(EvaluationRun.SavedBackend(split), Is.EqualTo(("cpu", (Parsec.Autodiff.Precision?)Parsec.Autodiff.Precision.Fp32)), "the checkpoint records the backend and precision a resume uses");

        Assert.That(CliApp.Run(["train", "--resume", split]), Is.EqualTo(ExitCodes.Done));
        AssertSameEnd(whole, split);
    }

    [Test]
    public void SigkillAtSeveralPointsIsResumedToByteIdenticalWeights([Values(1, 6)] int killAfter)
    {
        using var temp = new TempFolder();
        string whole = Uninterrupted(temp);
        string split = temp["split"];
        string partial = ParsecProcess.KillWhen(TinyCommands.Train(split, Epochs),
            () => TinyCommands.Lines(Metrics(split)) >= killAfter && File.Exists(Path.Combine(split, EvaluationCheckpoint.CheckpointFileName)),
            $"epoch {killAfter} and a checkpoint", () => split, Limit);

        Assert.That(CliApp.Run(["train", "--resume", split]), Is.EqualTo(ExitCodes.Done));
        Assert.That(File.Exists(partial), Is.False, "the resume removes temporary files of interrupted writes");
        AssertSameEnd(whole, split);
    }

    [Test]
    public void ASecondRunOnTheSameFolderIsRefusedNamingTheFirstAndNothingInterleaves()
    {
        using var temp = new TempFolder();
        string folder = temp["shared"];
        using var first = ParsecProcess.Start(TinyCommands.Train(folder, 3 * Epochs, "--seed", "1"));
        first.WaitUntil(() => File.Exists(Path.Combine(folder, RunLock.OwnerFileName)), Limit, "taking the run folder");

        using (var second = ParsecProcess.Start(TinyCommands.Train(folder, 3 * Epochs, "--seed", "2")))
        {
            Assert.That(second.WaitForExit(Limit), Is.EqualTo(ExitCodes.Failure), second.Output);
            Assert.That(second.Output, Does.Contain($"in use by process {first.Id}").And.Contain("started"));
        }
        Assert.That(first.WaitForExit(Limit), Is.EqualTo(ExitCodes.Done), first.Output);
        var epochs = MetricsFile.Read(Metrics(folder)).Series(MetricsFile.Epoch).Y;
        Assert.That(epochs, Is.EqualTo(Enumerable.Range(1, 3 * Epochs).Select(e => (double)e)), "one run's epochs, each once");
        var record = EvaluationCheckpoint.Load(Weights(folder)).Record;
        Assert.That(record.Options.Seed, Is.EqualTo(1UL), "the weights are the first run's");
    }
}
