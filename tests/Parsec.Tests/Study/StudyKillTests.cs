using System.Text.Json;
using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Study;

/// <summary>
/// A study stopped by a real signal at any point resumes to the results an uninterrupted study gives: a study of two
/// search seeds killed with SIGKILL (nothing is saved on the way out) in its second search or its trainings, and a
/// one-search study stopped at ten points of its life by SIGKILL, SIGINT (Ctrl+C) or SIGTERM (what schedulers send).
/// </summary>
[NonParallelizable] // child processes
public class StudyKillTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(240);

    private static string[] Study(string folder) =>
    [
        "study", "--dataset", "textures", "--image-size", "8", "--train-count", "160", "--test-count", "80", "--data-seed", "4",
        "--channels", "4", "--layers", "3", "--search-iterations", "12", "--search-batch-size", "16", "-k", "4", "--weight-samples", "2",
        "--epochs", "1", "--batch-size", "16", "--lr", "0.05", "--random", "1", "--seeds", "1", "--search-seeds", "1,2", "--backend", "cpu", "--out", folder,
    ];

    private static IEnumerable<(string, double)> Accuracies(string folder)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
        return json.RootElement.GetProperty("genotypes").EnumerateArray()
            .Select(g => (g.GetProperty("name").GetString()!, g.GetProperty("test_accuracies")[0].GetDouble())).ToList();
    }

    [Test]
    public void AKilledMultiSeedStudyResumesToTheSameResults([Values("in the second search", "in the trainings")] string when)
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(Study(temp["whole"])), Is.EqualTo(ExitCodes.Done));

        string split = temp["split"];
        Func<bool> condition = when == "in the second search"
            ? () => TinyCommands.Lines(Path.Combine(split, "search-seed-2", "metrics.jsonl")) >= 5
            : () => Directory.Exists(Path.Combine(split, "train", "random-1"));
        ParsecProcess.SignalWhen(Study(split), "KILL", condition, when, Limit);
        Assert.That(File.Exists(Path.Combine(split, "results.json")), Is.False, "killed before the end");

        Assert.That(CliApp.Run(["study", "--resume", split]), Is.EqualTo(ExitCodes.Done));
        Assert.That(Accuracies(split), Is.EqualTo(Accuracies(temp["whole"])));
        Assert.That(File.ReadAllText(Path.Combine(split, "genotypes.json")), Is.EqualTo(File.ReadAllText(Path.Combine(temp["whole"], "genotypes.json"))));
        // Each search logs each iteration once, whatever was cut.
        Assert.That(File.ReadLines(Path.Combine(split, "search-seed-2", "metrics.jsonl")).Count(), Is.EqualTo(12));
    }

    /// <summary>A study of two strategies (PARSEC and random search) killed in the random search's candidate scoring, after its last iteration, resumes to the same results.</summary>
    [Test]
    public void AKilledStudyOfTwoStrategiesResumesToTheSameResults()
    {
        using var temp = new TempFolder();
        string[] Study(string folder) => [.. OneSearchStudy(folder), "--strategies", "parsec,random-ws"];
        Assert.That(CliApp.Run(Study(temp["whole"])), Is.EqualTo(ExitCodes.Done));
        string split = temp["split"];
        ParsecProcess.SignalWhen(Study(split), "KILL", () => TinyCommands.Lines(Path.Combine(split, "random-ws-seed-1", "metrics.jsonl")) >= 12, "random search's last iteration", Limit);
        Assert.That(CliApp.Run(["study", "--resume", split]), Is.EqualTo(ExitCodes.Done));
        Assert.That(Accuracies(split), Is.EqualTo(Accuracies(temp["whole"])));
        Assert.That(File.ReadAllText(Path.Combine(split, "random-ws-seed-1", "candidates.json")), Is.EqualTo(File.ReadAllText(Path.Combine(temp["whole"], "random-ws-seed-1", "candidates.json"))));
    }

    /// <summary>The smallest study: one search of 12 iterations, one random genotype, no published one, one epoch, one seed.</summary>
    private static string[] OneSearchStudy(string folder) =>
    [
        "study", "--dataset", "textures", "--image-size", "8", "--train-count", "160", "--test-count", "80", "--data-seed", "4",
        "--channels", "4", "--layers", "3", "--search-iterations", "12", "--search-batch-size", "16", "-k", "4", "--weight-samples", "2",
        "--epochs", "1", "--batch-size", "16", "--lr", "0.05", "--random", "1", "--no-published", "--seeds", "1", "--search-seed", "1",
        "--backend", "cpu", "--out", folder,
    ];

    private static string? _uninterrupted;

    [OneTimeTearDown]
    public void DeleteUninterrupted()
    {
        if (_uninterrupted is not null) Directory.Delete(Path.GetDirectoryName(_uninterrupted)!, recursive: true);
    }

    private static string Uninterrupted()
    {
        if (_uninterrupted is not null) return _uninterrupted;
        string folder = Path.Combine(Directory.CreateTempSubdirectory("parsec-study-points-").FullName, "whole");
        Assert.That(CliApp.Run(OneSearchStudy(folder)), Is.EqualTo(ExitCodes.Done));
        return _uninterrupted = folder;
    }

    private static IEnumerable<TestCaseData> Points()
    {
        (string Name, string Signal, Func<string, bool> Reached)[] points =
        [
            ("search started", "KILL", f => TinyCommands.Lines(Path.Combine(f, "search", "metrics.jsonl")) >= 1),
            ("search in its warm-up", "INT", f => TinyCommands.Lines(Path.Combine(f, "search", "metrics.jsonl")) >= 4),
            ("search fitting pi", "TERM", f => TinyCommands.Lines(Path.Combine(f, "search", "metrics.jsonl")) >= 8),
            ("search at its last iteration", "KILL", f => TinyCommands.Lines(Path.Combine(f, "search", "metrics.jsonl")) >= 12),
            ("genotypes drawn", "KILL", f => File.Exists(Path.Combine(f, "genotypes.json"))),
            ("estimates written", "INT", f => File.Exists(Path.Combine(f, "estimates.json"))),
            ("first training started", "KILL", f => Directory.Exists(Path.Combine(f, "train", "searched"))),
            ("first training done", "TERM", f => File.Exists(Path.Combine(f, "train", "searched", "seed-0", "result.json"))),
            ("second training started", "KILL", f => Directory.Exists(Path.Combine(f, "train", "random-1"))),
            ("results written", "KILL", f => File.Exists(Path.Combine(f, "results.json"))),
        ];
        return points.Select(p => new TestCaseData(p.Signal, p.Reached).SetName($"a study stopped by SIG{p.Signal} when {p.Name} resumes to the same results"));
    }

    [TestCaseSource(nameof(Points))]
    public void AStudyStoppedAtAnyPointResumesToTheSameResults(string signal, Func<string, bool> reached)
    {
        string whole = Uninterrupted();
        using var temp = new TempFolder();
        string split = temp["split"];
        var (code, output) = ParsecProcess.SignalWhen(OneSearchStudy(split), signal, () => reached(split), "the point", Limit);
        Assert.That(code, signal == "KILL" ? Is.Not.EqualTo(ExitCodes.Failure) : Is.EqualTo(ExitCodes.Stopped).Or.EqualTo(ExitCodes.Done), output);

        var (resumed, resumedOutput) = CapturedCli.Run("study", "--resume", split);
        Assert.That(resumed, Is.EqualTo(ExitCodes.Done), resumedOutput);
        Assert.That(Accuracies(split), Is.EqualTo(Accuracies(whole)));
        Assert.That(File.ReadAllText(Path.Combine(split, "genotypes.json")), Is.EqualTo(File.ReadAllText(Path.Combine(whole, "genotypes.json"))));
        Assert.That(File.ReadLines(Path.Combine(split, "search", "metrics.jsonl")).Count(), Is.EqualTo(12), "each search iteration logged once");
    }
}
