using NUnit.Framework;
using Parsec.Search.RunFiles;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>run.log: what the command printed, in the run folder, without control codes; a resume appends; a study's inner runs keep their own.</summary>
[NonParallelizable] // child processes
public class RunLogTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(180);

    private static (int Code, string Output) Parsec(params string[] args)
    {
        using var child = ParsecProcess.Start(args);
        int code = child.WaitForExit(Limit);
        return (code, child.Output);
    }

    /// <summary>The log's lines after its headers, joined as <see cref="ParsecProcess.Output"/> joins the console's.</summary>
    private static string Body(IEnumerable<string> lines) =>
        System.Text.RegularExpressions.Regex.Replace(string.Join("\n", lines.Where(l => !l.StartsWith("--- "))) + "\n", @"[ \t]*\r?\n", " ");

    [Test]
    public void ASearchLogsWhatItPrintedAndAResumeAppends()
    {
        using var temp = new TempFolder();
        var (code, output) = Parsec(TinyCommands.Search(temp["runs"], 6, "--stop-after", "3"));
        Assert.That(code, Is.EqualTo(ExitCodes.Stopped), output);
        string run = TinyCommands.RunIn(temp["runs"])!;
        var log = File.ReadAllLines(Path.Combine(run, "run.log"));

        Assert.That(log[0], Does.StartWith("--- ").And.Contain("UTC: parsec search --dataset textures"));
        Assert.That(Body(log), Is.EqualTo(output), "every line the command printed, from the backend line before the folder existed to the resume hint after the run");
        Assert.That(log, Has.Some.Contains("continue with: parsec search --resume"));

        (code, output) = Parsec("search", "--resume", run);
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        var resumed = File.ReadAllLines(Path.Combine(run, "run.log"));
        Assert.That(resumed.Take(log.Length), Is.EqualTo(log), "a resume appends");
        Assert.That(resumed.Count(l => l.StartsWith("--- ")), Is.EqualTo(2));
        Assert.That(resumed.Last(l => l.StartsWith("--- ")), Does.Contain("parsec search --resume"));
        Assert.That(Body(resumed.Skip(log.Length).SkipWhile(l => l.Length == 0)), Is.EqualTo(output));
    }

    [Test]
    public void AStudyLogsEverythingAndEachInnerRunLogsItsOwnPart()
    {
        using var temp = new TempFolder();
        string study = temp["study"];
        var (code, output) = Parsec(
            "study", "--dataset", "textures", "--image-size", "8", "--train-count", "96", "--test-count", "48", "--channels", "4", "--layers", "3",
            "--search-iterations", "4", "--search-batch-size", "16", "-k", "2", "--weight-samples", "2", "--epochs", "1", "--batch-size", "16",
            "--random", "1", "--seeds", "1", "--search-seeds", "1", "--backend", "cpu", "--out", study);
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);

        Assert.That(Body(File.ReadAllLines(Path.Combine(study, "run.log"))), Is.EqualTo(output));
        string search = Directory.GetDirectories(study).Single(d => File.Exists(Path.Combine(d, "options.json")));
        var searchLog = File.ReadAllText(Path.Combine(search, "run.log"));
        Assert.That(searchLog, Does.Contain("iteration 4/4"));
        Assert.That(searchLog, Does.Not.Contain("training 1/"), "the trainings after the search are not in the search's log");
        string training = Directory.GetDirectories(Path.Combine(study, "train"), "seed-0", SearchOption.AllDirectories).First();
        Assert.That(File.ReadAllText(Path.Combine(training, "run.log")), Does.Contain("epoch 1/1"));
    }

    [TestCase("\u001b[1mbold\u001b[0m text", "bold text")]
    [TestCase("\u001b[38;5;11mwarning:\u001b[0m x", "warning: x")]
    [TestCase("\u001b[2K\u001b[1Aredrawn", "redrawn")]
    [TestCase("\u001b]8;;file:///tmp\u0007link\u001b]8;;\u0007", "link")]
    [TestCase("10%\r50%\r100%", "100%")]
    [TestCase("windows line\r", "windows line")]
    public void ControlCodesAreRemoved(string console, string logged) =>
        Assert.That(RunTranscript.Plain(console), Is.EqualTo(logged));
}
