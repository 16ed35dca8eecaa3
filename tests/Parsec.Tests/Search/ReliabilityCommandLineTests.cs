using System.Buffers.Binary;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>`parsec search` exit codes, resume overrides, corruption and divergence, through the real command line at toy sizes.</summary>
[NonParallelizable] // the command line writes to the shared console
public class ReliabilityCommandLineTests
{
    private static string Search(TempFolder temp, string name, int iterations, params string[] more)
    {
        var (code, output) = CapturedCli.Run(TinyCommands.Search(temp[name], iterations, more));
        Assert.That(code, Is.AnyOf(ExitCodes.Done, ExitCodes.Stopped), output);
        return TinyCommands.RunIn(temp[name])!;
    }

    [Test]
    public void StopAfterExitsWithStoppedAndAFinishedRunSaysNothingRan()
    {
        using var temp = new TempFolder();
        var (stopped, output) = CapturedCli.Run(TinyCommands.Search(temp["runs"], 6, "--stop-after", "3"));
        Assert.That(stopped, Is.EqualTo(ExitCodes.Stopped), output);
        Assert.That(output, Does.Contain("continue with: parsec search --resume"));
        string run = TinyCommands.RunIn(temp["runs"])!;

        var (resumed, resumeOutput) = CapturedCli.Run("search", "--resume", run, "--epochs", "3");
        Assert.That(resumed, Is.EqualTo(ExitCodes.Done), resumeOutput);
        Assert.That(resumeOutput, Does.Contain("ignored with --resume (the run continues with the options it saved): --epochs"));
        Assert.That(resumeOutput, Does.Contain("3 iterations in").And.Contain("6 done in all"));

        var (again, againOutput) = CapturedCli.Run("search", "--resume", run);
        Assert.That(again, Is.EqualTo(ExitCodes.Done), againOutput);
        Assert.That(againOutput, Does.Contain("already finished its 6 iterations; none ran"));
    }

    [Test]
    public void ADivergedRunKeepsOnlyAFiniteCheckpoint()
    {
        using var temp = new TempFolder();
        var (code, output) = CapturedCli.Run(TinyCommands.Search(temp["runs"], 12, "--lr", "1e6", "--checkpoint-every", "2"));
        Assert.That(code, Is.EqualTo(ExitCodes.NonFinite), output);
        var run = new RunFolder(TinyCommands.RunIn(temp["runs"])!);
        Assert.That(File.ReadAllText(run.NanReport), Does.Contain("--resume").And.Contain("--lr"));
        Assert.That(File.Exists(run.Checkpoint), Is.True, "the first checkpoints were finite and kept");
        foreach (var t in SafeTensorsReader.ReadFile(run.Checkpoint).Tensors)
            Assert.That(Array.TrueForAll(t.Data, float.IsFinite), Is.True, $"the kept checkpoint's {t.Name} is finite");
    }

    [Test]
    public void ADivergedRunRecoversWhenResumedWithALowerLearningRate()
    {
        using var temp = new TempFolder();
        string whole = Search(temp, "whole", 10, "--checkpoint-every", "2");
        string run = Search(temp, "split", 10, "--checkpoint-every", "2", "--stop-after", "4");

        var (diverged, divergedOutput) = CapturedCli.Run("search", "--resume", run, "--lr", "1e30");
        Assert.That(diverged, Is.EqualTo(ExitCodes.NonFinite), divergedOutput);
        Assert.That(File.ReadAllText(Path.Combine(run, "nan_report.txt")), Does.Contain("last good checkpoint (iteration 4)"));

        var (recovered, recoveredOutput) = CapturedCli.Run("search", "--resume", run, "--lr", "0.025");
        Assert.That(recovered, Is.EqualTo(ExitCodes.Done), recoveredOutput);
        // Back at the original rate from the same finite checkpoint, the run is the uninterrupted one, bit for bit.
        foreach (string file in new[] { "checkpoint.safetensors", "pi.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(run, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, file))), file);

        var history = File.ReadAllLines(Path.Combine(run, OptionsHistory.FileName)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.That(history.Select(h => h["changed"]!["lr"]!.GetValue<double>()), Is.EqualTo(new[] { 1e30, 0.025 }));
        Assert.That(history.Select(h => h["iteration"]!.GetValue<int>()), Is.EqualTo(new[] { 4, 4 }));
        var lines = File.ReadAllLines(Path.Combine(run, MetricsFile.FileName)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.That(lines.Select(l => l["iteration"]!.GetValue<int>()), Is.EqualTo(Enumerable.Range(1, 10)));
        Assert.That(lines.Select(l => l[StepSizeOverrides.MetricsKey]?["lr"]?.GetValue<double>()),
            Is.EqualTo(Enumerable.Repeat<double?>(null, 4).Concat(Enumerable.Repeat<double?>(0.025, 6))), "lines after the resume record the override");
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "options.json")))!["weight_learning_rate"]!.GetValue<double>(), Is.EqualTo(0.025));
    }

    /// <summary>
    /// The concurrency is not part of the computation: a run started with two workers and resumed with one ends with
    /// the files of a run that used one worker throughout, bit for bit, and options.json records the number now in use.
    /// </summary>
    [Test]
    public void AResumeMayChangeTheConcurrencyAndEndsWhereAnyOtherRunEnds()
    {
        using var temp = new TempFolder();
        string whole = Search(temp, "whole", 6, "--concurrency", "1");
        string run = Search(temp, "split", 6, "--concurrency", "2", "--stop-after", "3");
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "options.json")))!["concurrency"]!.GetValue<int>(), Is.EqualTo(2));

        var (code, output) = CapturedCli.Run("search", "--resume", run, "--concurrency", "1");
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        Assert.That(output, Does.Not.Contain("ignored with --resume"));
        foreach (string file in new[] { "checkpoint.safetensors", "pi.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(run, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, file))), file);
        Assert.That(JsonNode.Parse(File.ReadAllText(Path.Combine(run, "options.json")))!["concurrency"]!.GetValue<int>(), Is.EqualTo(1));
    }

    [TestCase(1000, 0xA5, TestName = "FlippedBytesInACheckpointAreRefusedNamingTheTensor")]
    [TestCase(8, 0xFF, TestName = "EightFFBytesInACheckpointAreRefusedNamingTheTensor")]
    public void CorruptCheckpointsAreRefused(int count, int pattern)
    {
        using var temp = new TempFolder();
        string run = Search(temp, "runs", 6, "--stop-after", "2");
        string checkpoint = Path.Combine(run, "checkpoint.safetensors");
        var bytes = File.ReadAllBytes(checkpoint);
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        for (int i = 0; i < count; i++) bytes[dataStart + 64 + i] = pattern == 0xFF ? (byte)0xFF : (byte)(bytes[dataStart + 64 + i] ^ pattern);
        File.WriteAllBytes(checkpoint, bytes);

        var (code, output) = CapturedCli.Run("search", "--resume", run);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain(checkpoint).And.Contain("tensor '").And.Contain("is corrupt"));
        Assert.That(File.Exists(Path.Combine(run, "nan_report.txt")), Is.False);
    }

    [Test]
    public void AResumeUsesTheSavedBackendUnlessBackendIsGiven()
    {
        using var temp = new TempFolder();
        string run = Search(temp, "runs", 4, "--stop-after", "2");
        string options = Path.Combine(run, "options.json");
        Assert.That(JsonNode.Parse(File.ReadAllText(options))!["backend"]!.GetValue<string>(), Is.EqualTo("cpu"));

        var (_, savedOutput) = CapturedCli.Run("search", "--resume", run, "--stop-after", "3");
        Assert.That(savedOutput, Does.Contain("backend: cpu").And.Contain("the backend the run was started on"));

        // A run recorded on CUDA is resumed on CUDA (or fails saying why), never silently on the CPU.
        var node = JsonNode.Parse(File.ReadAllText(options))!;
        node["backend"] = "cuda:0";
        File.WriteAllText(options, node.ToJsonString());
        var (_, cudaOutput) = CapturedCli.Run("search", "--resume", run, "--stop-after", "3");
        Assert.That(cudaOutput, Does.Not.Contain("backend: cpu"));

        var (switched, switchedOutput) = CapturedCli.Run("search", "--resume", run, "--backend", "cpu");
        Assert.That(switched, Is.EqualTo(ExitCodes.Done), switchedOutput);
        Assert.That(switchedOutput, Does.Contain("the run was started on cuda:0; it continues on cpu because --backend says so"));
    }

    [TestCase("inf", "--lr: 'inf' is not a finite number")]
    [TestCase("Infinity", "--lr must be a finite number")]
    [TestCase("1e400", "--lr must be a finite number")]
    public void NonFiniteNumbersNameTheFlag(string value, string message)
    {
        using var temp = new TempFolder();
        var (code, output) = CapturedCli.Run(TinyCommands.Search(temp["runs"], 2, "--lr", value));
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain(message));
        Assert.That(Directory.Exists(temp["runs"]) && Directory.EnumerateFileSystemEntries(temp["runs"]).Any(), Is.False, "nothing was written");
        var (trainCode, trainOutput) = CapturedCli.Run(TinyCommands.Train(temp["train"], 1, "--lr", value));
        Assert.That(trainCode, Is.EqualTo(ExitCodes.BadInput), trainOutput);
        Assert.That(trainOutput, Does.Contain("--lr"));
        Assert.That(Directory.Exists(temp["train"]), Is.False, "nothing was written");
    }
}
