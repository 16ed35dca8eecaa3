using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Loop;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

/// <summary>Random search with weight sharing: uniform single-path training for the whole budget, then the best of M candidates.</summary>
public class RandomSearchTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("parsec-random-ws-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private static SearchOptions Options(int concurrency) => SearchRunTests.Tiny(6) with
    {
        Strategy = SearchStrategy.RandomWs, Candidates = 5, CandidateBatches = 2, Concurrency = concurrency, WeightSamples = 2,
    };

    private RunFolder Search(SearchOptions options, string name)
    {
        var run = RunFolder.CreateNew(_root, name, DateTime.Now);
        using var backend = new CpuBackend();
        Assert.That(SearchRunner.Start(options, backend, run).Outcome, Is.EqualTo(SearchOutcome.Completed));
        return run;
    }

    [Test]
    public void RandomSearchTrainsOnUniformSamplesThroughoutAndKeepsTheBestCandidateByValidationAccuracy()
    {
        var run = Search(Options(1), "one");

        // Every iteration is a warm-up iteration: pi never moves and is never evaluated.
        var rows = MetricsFile.Read(run.Metrics).Rows;
        Assert.That(rows, Has.Count.EqualTo(6));
        Assert.That(rows.All(r => !r.Values.ContainsKey(MetricsFile.ValLoss)), Is.True, "no validation pass: the pi phase never starts");
        Assert.That(Parsec.Search.Prior.PriorJson.Load(run.Pi).Logits, Has.All.EqualTo(0.0));

        var file = JsonNode.Parse(File.ReadAllText(run.File(CandidateSelection.FileName)))!;
        var candidates = file["candidates"]!.AsArray();
        Assert.That(candidates, Has.Count.EqualTo(5));
        int chosen = file["chosen"]!.GetValue<int>();
        var accuracies = candidates.Select(c => c!["val_accuracy"]!.GetValue<double>()).ToList();
        Assert.That(accuracies[chosen], Is.EqualTo(accuracies.Max()));
        Assert.That(candidates.Select(c => c!["images"]!.GetValue<int>()), Has.All.EqualTo(2 * 8), "two batches of 8 each");
        Assert.That(Genotype.Load(run.Genotype).ToJson(), Is.EqualTo(Genotype.FromJson(candidates[chosen]!["genotype"]!.ToJsonString()).ToJson()));
        Assert.That(candidates.Select(c => c!["genotype"]!.ToJsonString()).Distinct().Count(), Is.GreaterThan(1), "candidates are different draws");
    }

    [Test]
    public void TheChoiceOfTheBestBreaksTiesByLogLikelihoodThenDrawOrder()
    {
        var a = new Parsec.Search.Prior.ArchitecturePrior().MostLikely();
        ScoredCandidate C(double accuracy, double logLikelihood) => new(a, new SharedWeightScore(accuracy, logLikelihood, 10));
        Assert.That(CandidateSelection.Best([C(0.5, -1), C(0.7, -2), C(0.6, -0.5)]), Is.EqualTo(1));
        Assert.That(CandidateSelection.Best([C(0.7, -2), C(0.7, -1), C(0.6, -0.5)]), Is.EqualTo(1));
        Assert.That(CandidateSelection.Best([C(0.7, -1), C(0.7, -1)]), Is.EqualTo(0));
    }

    [Test]
    public void RandomSearchIsTheSameForOneAndTwoWorkers()
    {
        var one = Search(Options(1), "one");
        var two = Search(Options(2), "two");
        Assert.That(File.ReadAllText(two.File(CandidateSelection.FileName)), Is.EqualTo(File.ReadAllText(one.File(CandidateSelection.FileName))));
        Assert.That(File.ReadAllText(two.Genotype), Is.EqualTo(File.ReadAllText(one.Genotype)));
    }

    [Test]
    public void AStoppedRandomSearchScoresNoCandidateUntilItResumesToTheEnd()
    {
        var whole = Search(Options(1), "whole");
        var run = RunFolder.CreateNew(_root, "split", DateTime.Now);
        using (var backend = new CpuBackend())
            Assert.That(SearchRunner.Start(Options(1), backend, run, limits: new RunLimits(StopAfterIteration: 4)).Outcome, Is.EqualTo(SearchOutcome.Interrupted));
        Assert.That(File.Exists(run.File(CandidateSelection.FileName)), Is.False);
        Assert.That(SearchRunner.IsFinished(run), Is.False);
        using (var backend = new CpuBackend()) SearchRunner.Resume(run, backend);
        Assert.That(File.ReadAllText(run.File(CandidateSelection.FileName)), Is.EqualTo(File.ReadAllText(whole.File(CandidateSelection.FileName))));
    }
}
