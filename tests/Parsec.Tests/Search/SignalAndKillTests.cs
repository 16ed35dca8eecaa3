using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>
/// A search stopped by a real signal, then resumed, ends byte for byte where an uninterrupted one does: SIGTERM
/// (what schedulers and `docker stop` send) checkpoints and exits with <see cref="ExitCodes.Stopped"/>; SIGKILL
/// loses only the iterations since the last checkpoint, and its leftovers (a held lock, a half-written
/// temporary checkpoint) are cleaned up by the resume.
/// </summary>
[NonParallelizable] // child processes and the shared console
public class SignalAndKillTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private const int Iterations = 24;

    private static string Uninterrupted(TempFolder temp)
    {
        Assert.That(CliApp.Run(TinyCommands.Search(temp["whole"], Iterations, "--checkpoint-every", "4")), Is.EqualTo(ExitCodes.Done));
        return TinyCommands.RunIn(temp["whole"])!;
    }

    private static void AssertSameEnd(string expected, string actual)
    {
        foreach (string file in new[] { "checkpoint.safetensors", "pi.json", "genotype.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(actual, file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(expected, file))), $"{file} differs");
        Assert.That(File.ReadAllLines(Path.Combine(actual, "metrics.jsonl")).Select(l => l[..l.IndexOf(",\"samples_per_s\"", StringComparison.Ordinal)]),
            Is.EqualTo(File.ReadAllLines(Path.Combine(expected, "metrics.jsonl")).Select(l => l[..l.IndexOf(",\"samples_per_s\"", StringComparison.Ordinal)])),
            "each iteration is logged once, with the same values (timings aside)");
    }

    [Test]
    public void SigtermCheckpointsPrintsTheResumeCommandAndTheResumeEndsBitwiseEqual()
    {
        using var temp = new TempFolder();
        string whole = Uninterrupted(temp);

        var (code, output) = ParsecProcess.SignalWhen(TinyCommands.Search(temp["split"], Iterations, "--checkpoint-every", "4"), "TERM",
            () => TinyCommands.MetricsLinesOfSearch(temp["split"]) >= 2, "its second iteration", Limit);
        Assert.That(code, Is.EqualTo(ExitCodes.Stopped), output);
        string run = TinyCommands.RunIn(temp["split"])!;
        Assert.That(output, Does.Contain("continue with: parsec search --resume"));
        int stoppedAt = TinyCommands.Lines(Path.Combine(run, "metrics.jsonl"));
        Assert.That(stoppedAt, Is.LessThan(Iterations), "the signal stopped the run early");
        Assert.That(File.Exists(Path.Combine(run, RunLock.FileName)), Is.False, "the lock is released");

        Assert.That(CliApp.Run(["search", "--resume", run]), Is.EqualTo(ExitCodes.Done));
        AssertSameEnd(whole, run);
    }

    [Test]
    public void SigkillAtSeveralPointsIsResumedFromTheLastCheckpoint([Values(5, 13)] int killAfter)
    {
        using var temp = new TempFolder();
        string whole = Uninterrupted(temp);

        string partial = ParsecProcess.KillWhen(TinyCommands.Search(temp["split"], Iterations, "--checkpoint-every", "4"),
            () => TinyCommands.MetricsLinesOfSearch(temp["split"]) >= killAfter, $"iteration {killAfter}", () => TinyCommands.RunIn(temp["split"])!, Limit);
        string run = TinyCommands.RunIn(temp["split"])!;
        Assert.That(File.Exists(Path.Combine(run, RunLock.FileName)), Is.True, "a killed process leaves its lock file");

        Assert.That(CliApp.Run(["search", "--resume", run]), Is.EqualTo(ExitCodes.Done));
        Assert.That(File.Exists(partial), Is.False, "the resume removes temporary files of interrupted writes");
        Assert.That(File.Exists(Path.Combine(run, RunLock.FileName)), Is.False, "the dead process's lock was taken over and released");
        AssertSameEnd(whole, run);
    }
}
