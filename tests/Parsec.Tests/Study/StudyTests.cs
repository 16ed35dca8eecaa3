using System.Text.Json;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Files;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.Study;
using Parsec.Search.Training;
using Parsec.Tests.Data;

namespace Parsec.Tests.Study;

public class StudyTests
{
    /// <summary>A study of seconds: 8x8 textures, C = 4, 3 cells, a 12-iteration search, 2 random genotypes and DARTS_V2, 2 seeds of one epoch.</summary>
    private static StudyOptions Tiny() => new()
    {
        Data = new DatasetSpec("textures", ImageSize: 8, TrainCount: 160, TestCount: 80, Seed: 4),
        Search = new SearchOptions { Channels = 4, Layers = 3, BatchSize = 16, Iterations = 12, Samples = 4, WeightSamples = 2, Seed = 1, CheckpointEvery = 4 },
        RandomGenotypes = 2,
        Seeds = 2,
        Training = new EvaluationOptions { Channels = 4, Layers = 3, BatchSize = 16, Epochs = 1, LearningRate = 0.05, Auxiliary = false, DropPath = 0, Prefetch = 1 },
    };

    private static StudyResult Run(string folder, StudyLimits? limits = null)
    {
        using var backend = new CpuBackend();
        return StudyRunner.Start(Tiny(), folder, backend, limits: limits);
    }

    [Test]
    public void AStudyTrainsEveryGenotypeForEverySeedAndTabulatesThem()
    {
        using var temp = new TempFolder();
        var result = Run(temp["study"]);
        var folder = new StudyFolder(temp["study"]);

        Assert.That(result.Finished, Is.True);
        Assert.That(result.Rows.Select(r => r.Name), Is.EqualTo(new[] { "searched", "random-1", "random-2", "DARTS_V2" }));
        Assert.That(result.Rows, Has.All.Matches<GenotypeResult>(r => r.Accuracies.Length == 2 && r.Accuracies.All(a => a is >= 0 and <= 1)));
        Assert.That(result.SearchedRank, Is.InRange(1, 4));
        Assert.That(result.SearchSeconds, Is.GreaterThan(0));

        // results.json parses back to the same numbers; results.md has a header, a rule and one row per genotype.
        using var json = JsonDocument.Parse(File.ReadAllText(folder.ResultsJson));
        var rows = json.RootElement.GetProperty("genotypes").EnumerateArray().ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        var searched = rows.Single(r => r.GetProperty("kind").GetString() == "searched");
        Assert.That(searched.GetProperty("test_accuracies").EnumerateArray().Select(a => a.GetDouble()), Is.EqualTo(result.Searched!.Accuracies));
        Assert.That(json.RootElement.GetProperty("random_median").GetDouble(), Is.EqualTo(result.RandomMedian));
        var table = File.ReadAllLines(folder.ResultsTable).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.That(table, Has.Count.EqualTo(2 + 4));
        Assert.That(table[0], Does.Contain("seed 0").And.Contain("seed 1").And.Contain("mean").And.Contain("s.e."));
        Assert.That(File.ReadAllText(folder.ResultsTable), Does.Contain("rank"));
        Assert.That(File.ReadAllBytes(folder.ResultsPlot).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));

        // Every training is an ordinary train run folder with the genotype the study lists.
        var genotypes = StudyGenotype.Load(folder.Genotypes);
        foreach (var g in genotypes)
            for (int seed = 0; seed < 2; seed++)
                Assert.That(Genotype.Load(Path.Combine(folder.Training(g.Name, seed), EvaluationRun.GenotypeFileName)).ToJson(), Is.EqualTo(g.Genotype.ToJson()));
        Assert.That(genotypes[0].Genotype.ToJson(), Is.EqualTo(Genotype.Load(Path.Combine(folder.Search, "genotype.json")).ToJson()), "the searched genotype is the search's");
    }

    [Test]
    public void RandomGenotypesAreValidSeededAndReproducible()
    {
        var first = RandomGenotypes.Sample(20, seed: 7, TermInputs.DistinctPerNode);
        var again = RandomGenotypes.Sample(20, seed: 7, TermInputs.DistinctPerNode);
        var other = RandomGenotypes.Sample(20, seed: 8, TermInputs.DistinctPerNode);
        Assert.That(first.Select(g => g.ToJson()), Is.EqualTo(again.Select(g => g.ToJson())));
        Assert.That(first.Select(g => g.ToJson()), Is.Not.EqualTo(other.Select(g => g.ToJson())));
        Assert.That(first.Select(g => g.ToJson()).Distinct().Count(), Is.EqualTo(20));
        foreach (var g in first)
        {
            g.Validate();
            foreach (var cell in new[] { g.Normal, g.Reduce })
                for (int node = 0; node < Genotype.IntermediateNodes; node++)
                    Assert.That(cell[2 * node].Input, Is.Not.EqualTo(cell[2 * node + 1].Input), "DARTS' rule: distinct inputs per node");
        }
    }

    /// <summary>A study stopped after three trainings (as an interruption would) resumes without repeating them and ends with the results of an uninterrupted study.</summary>
    [Test]
    public void AnInterruptedStudyResumesToTheSameResults()
    {
        using var temp = new TempFolder();
        var whole = Run(temp["whole"]);
        var stopped = Run(temp["split"], new StudyLimits(StopAfterTrainings: 3));
        Assert.That(stopped.Finished, Is.False);
        Assert.That(stopped.UnfinishedAt, Is.EqualTo("training 4 of 8"));
        var folder = new StudyFolder(temp["split"]);
        string firstResult = Path.Combine(folder.Training("searched", 0), EvaluationRun.ResultFileName);
        var written = File.GetLastWriteTimeUtc(firstResult);

        StudyResult resumed;
        using (var backend = new CpuBackend()) resumed = StudyRunner.Resume(temp["split"], backend);
        Assert.That(resumed.Finished, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(firstResult), Is.EqualTo(written), "a finished training is not repeated");
        Assert.That(resumed.Rows.Select(r => r.Accuracies), Is.EqualTo(whole.Rows.Select(r => r.Accuracies)));
        Assert.That(resumed.Rows.Select(r => r.Genotype), Is.EqualTo(whole.Rows.Select(r => r.Genotype)));
    }

    /// <summary>--reuse copies a finished training of the same genotype, data and budget instead of repeating it.</summary>
    [Test]
    public void AStudyReusesTrainingsOfAnEarlierStudyWithTheSameBudget()
    {
        using var temp = new TempFolder();
        var first = Run(temp["first"]);
        StudyResult second;
        using (var backend = new CpuBackend())
            second = StudyRunner.Start(Tiny() with { SearchFrom = Path.Combine(temp["first"], "search") }, temp["second"], backend, reuse: [temp["first"]]);
        Assert.That(second.Rows.Select(r => r.Accuracies), Is.EqualTo(first.Rows.Select(r => r.Accuracies)));
        Assert.That(Directory.Exists(Path.Combine(temp["second"], "search")), Is.False, "pi was taken from the first study's search");
    }
}
