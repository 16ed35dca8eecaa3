using System.Text.Json;
using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Search.Runs;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Study;

/// <summary>
/// A study of two search seeds killed with SIGKILL (nothing is saved on the way out) in its second search or in its
/// trainings resumes to the results an uninterrupted study gives.
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
}
