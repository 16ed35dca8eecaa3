using Parsec.Search;
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
    internal static StudyOptions Tiny() => new()
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
        Assert.That(result.Strategies.Single().WorstRank, Is.InRange(1, 4));
        Assert.That(result.RankedCount, Is.EqualTo(4));
        Assert.That(result.SearchSeconds, Is.GreaterThan(0));

        // results.json parses back to the same numbers; results.md has a header, a rule and one row per genotype.
        using var json = JsonDocument.Parse(File.ReadAllText(folder.ResultsJson));
        var rows = json.RootElement.GetProperty("genotypes").EnumerateArray().ToList();
        Assert.That(rows, Has.Count.EqualTo(4));
        var searched = rows.Single(r => r.GetProperty("kind").GetString() == "searched");
        Assert.That(searched.GetProperty("test_accuracies").EnumerateArray().Select(a => a.GetDouble()), Is.EqualTo(result.Searched.Single().Accuracies));
        Assert.That(json.RootElement.GetProperty("random_median").GetDouble(), Is.EqualTo(result.RandomMedian));
        var table = File.ReadAllLines(folder.ResultsTable).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.That(table, Has.Count.EqualTo(2 + 4));
        Assert.That(table[0], Does.Contain("seed 0").And.Contain("seed 1").And.Contain("mean").And.Contain("s.e."));
        Assert.That(File.ReadAllText(folder.ResultsTable), Does.Contain("rank"));
        // 12 iterations of batch 16 over the 80 images of the weights' part; each genotype 1 epoch of 160 images.
        Assert.That(File.ReadAllText(folder.ResultsTable), Does.Contain("shared weights for 2.4 epochs of its 80-image part").And.Contain("1 epochs of 160 images"));
        Assert.That(File.ReadAllBytes(folder.ResultsPlot).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));

        // The search's own estimate of every genotype, and how well it ranked them: in results.md, results.json and ranking.png.
        var estimates = SearchEstimates.Load(folder.Estimates).Single();
        Assert.That(estimates.Genotypes.Select(g => g.Name), Is.EqualTo(result.Rows.Select(r => r.Name)));
        Assert.That(estimates.Genotypes, Has.All.Matches<GenotypeEstimate>(g => g.ValidationAccuracy is >= 0 and <= 1 && g.ValidationLogLikelihood < 0));
        Assert.That(estimates.Genotypes.Single(g => g.Name == "searched").LogProbability,
            Is.EqualTo(estimates.Genotypes.Where(g => g.LogProbability is not null).Max(g => g.LogProbability)), "pi's most likely genotype is the searched one");
        var ranking = result.Rankings.Single();
        Assert.That(ranking.Genotypes, Is.EqualTo(4));
        Assert.That(ranking.ByAccuracy!.Exact, Is.True);
        var correlation = json.RootElement.GetProperty("rank_correlations")[0].GetProperty("shared_weight_val_accuracy");
        Assert.That(correlation.GetProperty("tau").GetDouble(), Is.EqualTo(ranking.ByAccuracy.Tau));
        Assert.That(File.ReadAllText(folder.ResultsTable), Does.Contain("Kendall's tau").And.Contain("shared-weight val accuracy").And.Contain("search's estimate"));
        Assert.That(File.ReadAllText(folder.ResultsTable), Does.Contain("| search | all 4 |").And.Contain("| search | 3 not searched |"));
        Assert.That(result.RankingsOfOthers.Single().Genotypes, Is.EqualTo(3));
        Assert.That(File.ReadAllBytes(folder.RankingPlot).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));

        // report.html: the results table, a link to the search's page and to every training's page, all of which resolve.
        string page = Parsec.Tests.Reports.ReportPageAssert.SelfContained(folder.File("report.html"));
        Assert.That(page, Does.Contain("Finished: 4 genotypes, 8 trainings.").And.Contain("<table>"));
        var links = Parsec.Tests.Reports.ReportPageAssert.Links(page);
        Assert.That(links, Has.Some.Matches<string>(l => l.EndsWith("/report.html") && !l.StartsWith("train/")), "the search's page");
        Assert.That(links.Count(l => l.StartsWith("train/") && l.EndsWith("/report.html")), Is.EqualTo(8), "one page per training");
        Parsec.Tests.Reports.ReportPageAssert.SelfContained(Path.Combine(folder.Training("searched", 1), "report.html"));
        Assert.That(File.ReadAllLines(Path.Combine(folder.Training("searched", 1), "metrics.csv")), Has.Length.EqualTo(2), "a header and the one epoch");

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
        var first = RandomGenotypes.Sample(20, seed: 7, TermInputs.DistinctPerNode, SearchSpace.Darts);
        var again = RandomGenotypes.Sample(20, seed: 7, TermInputs.DistinctPerNode, SearchSpace.Darts);
        var other = RandomGenotypes.Sample(20, seed: 8, TermInputs.DistinctPerNode, SearchSpace.Darts);
        Assert.That(first.Select(g => g.ToJson()), Is.EqualTo(again.Select(g => g.ToJson())));
        Assert.That(first.Select(g => g.ToJson()), Is.Not.EqualTo(other.Select(g => g.ToJson())));
        Assert.That(first.Select(g => g.ToJson()).Distinct().Count(), Is.EqualTo(20));
        foreach (var g in first)
        {
            g.Validate();
            foreach (var cell in new[] { g.Normal, g.Reduce })
                for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
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

    /// <summary>
    /// Several search seeds: one search folder and one searched genotype per seed, each ranked against the same random
    /// and published genotypes, and a verdict over the seeds. Stopped in the middle of its second search (as Ctrl+C
    /// does) and then after some trainings, it resumes to the results of an uninterrupted study.
    /// </summary>
    [Test]
    public void AStudyOfSeveralSearchSeedsRanksEachAndResumesFromAnInterruptedSearchToTheSameResults()
    {
        using var temp = new TempFolder();
        var options = Tiny() with { SearchSeeds = [1, 2], RandomGenotypes = 1, Seeds = 1 };
        StudyResult whole;
        using (var backend = new CpuBackend()) whole = StudyRunner.Start(options, temp["whole"], backend);

        Assert.That(whole.Rows.Select(r => r.Name), Is.EqualTo(new[] { "searched-seed-1", "searched-seed-2", "random-1", "DARTS_V2" }));
        Assert.That(whole.RankedCount, Is.EqualTo(3));
        var parsec = whole.Strategies.Single();
        Assert.That(parsec.Name, Is.EqualTo("parsec"));
        Assert.That(parsec.Mean, Is.EqualTo((whole.Rows[0].Mean + whole.Rows[1].Mean) / 2).Within(1e-15));
        Assert.That(parsec.StandardErrorOverSearchSeeds, Is.True);
        Assert.That(parsec.StandardError, Is.EqualTo(Math.Abs(whole.Rows[0].Mean - whole.Rows[1].Mean) / 2).Within(1e-12), "two seeds: s.e. is half their difference");
        Assert.That(parsec.WorstRank, Is.EqualTo(Math.Max(whole.RankOf(whole.Rows[0]), whole.RankOf(whole.Rows[1]))));
        var folder = new StudyFolder(temp["whole"]);
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            var searchOptions = Parsec.Search.Loop.OptionsFile.Read(Path.Combine(folder.Path, $"search-seed-{seed}", "options.json"));
            Assert.That(searchOptions.Seed, Is.EqualTo(seed));
        }
        Assert.That(SearchEstimates.Load(folder.Estimates).Select(e => e.Search), Is.EqualTo(new[] { "search-seed-1", "search-seed-2" }));
        string table = File.ReadAllText(folder.ResultsTable);
        Assert.That(table, Does.Contain("searched-seed-1: ").And.Contain("searched-seed-2: ").And.Contain("the 2 search seeds").And.Contain("worst rank"));

        // Stopped during the second search, then after one training.
        using (var cancel = new CancellationTokenSource())
        using (var backend = new CpuBackend())
        {
            var stopInSecondSearch = new CancelOn("search-seed-2: iteration", cancel);
            var stopped = StudyRunner.Start(options, temp["split"], backend, stopInSecondSearch, limits: new StudyLimits(Cancellation: cancel.Token));
            Assert.That(stopped.UnfinishedAt, Is.EqualTo("search-seed-2"));
            Assert.That(File.Exists(new StudyFolder(temp["split"]).Genotypes), Is.False, "no genotype is derived from an unfinished search");
        }
        using (var backend = new CpuBackend())
            Assert.That(StudyRunner.Resume(temp["split"], backend, limits: new StudyLimits(StopAfterTrainings: 1)).UnfinishedAt, Is.EqualTo("training 2 of 4"));
        StudyResult resumed;
        using (var backend = new CpuBackend()) resumed = StudyRunner.Resume(temp["split"], backend);
        Assert.That(resumed.Rows.Select(r => r.Genotype), Is.EqualTo(whole.Rows.Select(r => r.Genotype)));
        Assert.That(resumed.Rows.Select(r => r.Accuracies), Is.EqualTo(whole.Rows.Select(r => r.Accuracies)));
        Assert.That(File.ReadAllText(new StudyFolder(temp["split"]).Estimates), Is.EqualTo(File.ReadAllText(folder.Estimates)));
    }

    /// <summary>
    /// A PARSEC search that picks its genotype by the shared weights' scores (--pick scored): the study trains that
    /// genotype (genotype.json, recorded in candidates.json as chosen), not pi's argmax.
    /// </summary>
    [Test]
    public void AStudyTrainsTheGenotypeAScoredPickChoseNotPisArgmax()
    {
        using var temp = new TempFolder();
        var options = Tiny() with
        {
            SearchSeeds = [1], RandomGenotypes = 1, Seeds = 1, Also = [],
            Search = Tiny().Search with { Pick = GenotypePick.Scored, Candidates = 6, CandidateBatches = 1 },
        };
        using (var backend = new CpuBackend()) StudyRunner.Start(options, temp["study"], backend);

        var folder = new StudyFolder(temp["study"]);
        string search = Directory.EnumerateDirectories(folder.Path, "search*").Single();
        var candidates = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(search, "candidates.json")))!;
        var chosen = Genotype.FromJson(candidates["candidates"]![candidates["chosen"]!.GetValue<int>()]!["genotype"]!.ToJsonString());
        var argmax = Genotype.FromJson(candidates["candidates"]![0]!["genotype"]!.ToJsonString());
        Assert.That(chosen.ToJson(), Is.Not.EqualTo(argmax.ToJson()), "this seed's pick differs from pi's argmax, so the check below can tell them apart");
        Assert.That(StudyGenotype.Load(folder.Genotypes)[0].Genotype.ToJson(), Is.EqualTo(chosen.ToJson()));
    }

    /// <summary>
    /// Three strategies at one budget: each search in its own folder, each genotype judged on its own against the same
    /// random genotypes, the compute of each search counted from its options, and a resume after an interruption that
    /// ends with the results of an uninterrupted study.
    /// </summary>
    [Test]
    public void AStudyOfThreeStrategiesJudgesEachAndResumesToTheSameResults()
    {
        using var temp = new TempFolder();
        var options = Tiny() with
        {
            Strategies = [SearchStrategy.Parsec, SearchStrategy.RandomWs, SearchStrategy.Darts], SearchSeeds = [1], RandomGenotypes = 1, Seeds = 1,
            Search = Tiny().Search with { Candidates = 4, CandidateBatches = 2 }, DartsIterations = 3,
        };
        StudyResult whole;
        using (var backend = new CpuBackend()) whole = StudyRunner.Start(options, temp["whole"], backend);

        Assert.That(whole.Rows.Select(r => r.Name), Is.EqualTo(new[] { "parsec-seed-1", "random-ws-seed-1", "darts-seed-1", "random-1", "DARTS_V2" }));
        Assert.That(whole.Strategies.Select(s => s.Name), Is.EqualTo(new[] { "parsec", "random-ws", "darts" }));
        Assert.That(whole.RankedCount, Is.EqualTo(3));
        Assert.That(StudyGenotype.Load(new StudyFolder(temp["whole"]).Genotypes)[2].Genotype.ToJson(),
            Is.EqualTo(Genotype.Load(Path.Combine(temp["whole"], "darts-seed-1", "genotype.json")).ToJson()));
        var folder = new StudyFolder(temp["whole"]);
        var randomWs = Parsec.Search.Loop.OptionsFile.Read(Path.Combine(folder.Path, "random-ws-seed-1", "options.json"));
        Assert.That(randomWs.Strategy, Is.EqualTo(SearchStrategy.RandomWs));
        Assert.That(StudyGenotype.Load(folder.Genotypes)[1].Genotype.ToJson(), Is.EqualTo(Genotype.Load(Path.Combine(folder.Path, "random-ws-seed-1", "genotype.json")).ToJson()));
        // 12 iterations training 2 samples on batches of 16; PARSEC scores 4 samples in each of its 6 pi iterations, random search 4 candidates on 2 batches.
        var compute = whole.Strategies.Select(s => s.MeanCompute!).ToList();
        // DARTS: 3 iterations of a supernet pass on each part.
        Assert.That(compute.Select(c => (c.TrainingImages, c.ForwardImages, c.SupernetImages)), Is.EqualTo(new[] { (384L, 384L, 0L), (384L, 128L, 0L), (0L, 0L, 96L) }));
        string table = File.ReadAllText(folder.ResultsTable);
        Assert.That(table, Does.Contain("| strategy | search seeds |").And.Contain("| random-ws | 1 |").And.Contain("| 384 | 128 | 0 |"));
        Assert.That(table, Does.Match(@"\| parsec \| 1 \|.*\| 1\.00x \| \d+ MiB \| 384 \| 384 \| 0 \|"), "the first strategy's time is the reference");
        Assert.That(compute[2].PeakMib, Is.GreaterThan(compute[0].PeakMib), "DARTS' supernet holds every candidate");
        using (var json = JsonDocument.Parse(File.ReadAllText(folder.ResultsJson)))
            Assert.That(json.RootElement.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("strategy").GetString()), Is.EqualTo(new[] { "parsec", "random-ws", "darts" }));

        // Its PARSEC search serves a PARSEC-only study of another budget (--reuse finds searches by their options, whatever their folder's name).
        var lines = new List<string>();
        using (var backend = new CpuBackend())
            StudyRunner.Start(options with { Strategies = null, Training = options.Training with { Epochs = 2 } }, temp["parsec-only"], backend, new Collect(lines),
                reuse: [temp["whole"]], limits: new StudyLimits(StopAfterTrainings: 0));
        Assert.That(lines, Has.Some.Contains("search: copied from an earlier study"));

        using (var backend = new CpuBackend())
            Assert.That(StudyRunner.Start(options, temp["split"], backend, limits: new StudyLimits(StopAfterTrainings: 2)).Finished, Is.False);
        StudyResult resumed;
        using (var backend = new CpuBackend()) resumed = StudyRunner.Resume(temp["split"], backend);
        Assert.That(resumed.Rows.Select(r => r.Genotype), Is.EqualTo(whole.Rows.Select(r => r.Genotype)));
        Assert.That(resumed.Rows.Select(r => r.Accuracies), Is.EqualTo(whole.Rows.Select(r => r.Accuracies)));
    }

    /// <summary>
    /// A cost-aware study: its PARSEC search brings its genotype under the target, its random genotypes are drawn under
    /// the same cap, and the report gives every genotype's cost beside the target and a plot of accuracy against cost.
    /// </summary>
    [Test]
    public void ACostAwareStudyHoldsTheSearchAndTheRandomGenotypesToOneCap()
    {
        using var temp = new TempFolder();
        var probe = Tiny();
        var shape = StudyRunner.CostShapeOf(probe);
        var table = Parsec.Search.Cost.TermCostTable.Build(shape, Parsec.Search.Cost.CostMeasure.Params);
        double target = table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected * 0.85;
        var options = probe with
        {
            Search = probe.Search with { Cost = Parsec.Search.Cost.CostMeasure.Params, CostTarget = target },
            RandomGenotypes = 2, Seeds = 1, Also = [],
        };
        StudyResult result;
        using (var backend = new CpuBackend()) result = StudyRunner.Start(options, temp["study"], backend);

        Assert.That(result.Rows.Select(r => (double)r.Parameters), Has.All.LessThanOrEqualTo(target), "searched and random genotypes under the cap");
        Assert.That(result.Rows.Select(r => r.MultiplyAdds), Has.All.GreaterThan(0));
        Assert.That(StudyGenotype.Load(new StudyFolder(temp["study"]).Genotypes)[0].Genotype.ToJson(),
            Is.EqualTo(Genotype.Load(Path.Combine(temp["study"], "search", "genotype.json")).ToJson()), "the study trains the genotype brought under the target");
        Assert.That(File.ReadAllText(new StudyFolder(temp["study"]).ResultsTable), Does.Contain("cost: every genotype's parameters against the target"));
        Assert.That(File.ReadAllBytes(new StudyFolder(temp["study"]).ParetoPlot).Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));

        var capped = RandomGenotypes.Sample(5, 3, TermInputs.DistinctPerNode, SearchSpace.Darts, a => table.CostOf(a) <= target);
        Assert.That(capped.Select(g => table.CostOf(Architecture.FromGenotype(g))), Has.All.LessThanOrEqualTo(target));
        Assert.That(() => RandomGenotypes.Sample(1, 3, TermInputs.DistinctPerNode, SearchSpace.Darts, _ => false), Throws.TypeOf<BadInputException>().With.Message.Contains("raise the cost target"));
    }

    /// <summary>
    /// A study with a cost target given pi of a search without one judges pi's most likely genotype within the budget:
    /// here pi favours pools, whose argmax spends almost none of it, and the study's genotype spends 90-100 % of it.
    /// </summary>
    [Test]
    public void AStudyUnderACostTargetDerivesAGivenPiWithinTheBudget()
    {
        using var temp = new TempFolder();
        var probe = Tiny();
        var table = Parsec.Search.Cost.TermCostTable.Build(StudyRunner.CostShapeOf(probe), Parsec.Search.Cost.CostMeasure.Params);
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        foreach (var type in CellTypes.All)
            for (int k = 0; k < SearchSpace.Darts.Terms; k++)
                prior.Logits[prior.Distribution.Offset(prior.OpBlock(type, k)) + SearchSpace.Darts.IndexOf(Primitives.MaxPool3x3)] = 2;
        string pi = Path.Combine(Directory.CreateDirectory(temp["given"]).FullName, "pi.json");
        PriorJson.Save(prior, pi);
        double target = 0.9 * table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected;
        Assert.That(table.CostOf(prior.MostLikely()), Is.LessThan(0.9 * target), "pi's argmax alone leaves the budget unspent");
        var options = probe with
        {
            SearchFrom = pi, Search = probe.Search with { Cost = Parsec.Search.Cost.CostMeasure.Params, CostTarget = target },
            RandomGenotypes = 1, Seeds = 1, Also = [],
        };
        using (var backend = new CpuBackend())
            Assert.That(StudyRunner.Start(options, temp["study"], backend, limits: new StudyLimits(StopAfterTrainings: 0)).Finished, Is.False);

        var searched = StudyGenotype.Load(new StudyFolder(temp["study"]).Genotypes).Single(g => g.Kind == GenotypeKind.Searched).Genotype;
        Assert.That(table.CostOf(Architecture.FromGenotype(searched)), Is.InRange(0.9 * target, target));
        Assert.That(searched.ToJson(), Is.EqualTo(Parsec.Search.Cost.BudgetDerivation.Fit(prior.MostLikelyGenotype(), prior, table, target).Genotype.ToJson()));
    }

    /// <summary>Cancels a study when a progress line contains <paramref name="text"/>.</summary>
    private sealed class CancelOn(string text, CancellationTokenSource cancel) : IStudyProgress
    {
        public void Report(string message, double fractionDone)
        {
            if (message.Contains(text)) cancel.Cancel();
        }
    }

    /// <summary>A refused study writes nothing, so the corrected command starts it; a given search without pi.json is bad input.</summary>
    [Test]
    public void ARefusedStudyLeavesNothingBehind()
    {
        using var temp = new TempFolder();
        string folder = temp["study"];
        using (var backend = new CpuBackend())
        {
            Assert.That(() => StudyRunner.Start(Tiny() with { Data = Tiny().Data with { Name = "bogus" } }, folder, backend),
                Throws.TypeOf<BadInputException>().With.Message.Contains("--dataset: unknown dataset 'bogus'"));
            Assert.That(File.Exists(new StudyFolder(folder).Options), Is.False);
            Directory.CreateDirectory(temp["empty-search"]);
            Assert.That(() => StudyRunner.Start(Tiny() with { SearchFrom = temp["empty-search"] }, folder, backend),
                Throws.TypeOf<BadInputException>().With.Message.Contains("--search:").And.Message.Contains("pi.json"));
            Assert.That(() => StudyRunner.Start(Tiny(), folder, backend, reuse: [temp["empty-search"]]),
                Throws.TypeOf<BadInputException>().With.Message.Contains("--reuse"));
            Assert.That(File.Exists(new StudyFolder(folder).Options), Is.False);
            Assert.That(StudyRunner.Start(Tiny() with { Seeds = 1, RandomGenotypes = 1 }, folder, backend, limits: new StudyLimits(StopAfterTrainings: 0)).Finished, Is.False,
                "the corrected command starts the study");
            Assert.That(() => StudyRunner.Start(Tiny(), folder, backend), Throws.TypeOf<BadInputException>().With.Message.Contains("already holds a study; continue it with --resume"));
        }
    }

    /// <summary>A study is a run: a second command on its folder is refused at once, naming the holder.</summary>
    [Test]
    public void AStudyFolderInUseIsRefused()
    {
        using var temp = new TempFolder();
        string folder = temp["study"];
        using (var backend = new CpuBackend())
            StudyRunner.Start(Tiny() with { Seeds = 1, RandomGenotypes = 1 }, folder, backend, limits: new StudyLimits(StopAfterTrainings: 0));
        using var holder = Parsec.Search.RunFiles.RunLock.Acquire(folder);
        using var backend2 = new CpuBackend();
        Assert.That(() => StudyRunner.Resume(folder, backend2), Throws.TypeOf<Parsec.Search.RunFiles.RunFolderInUseException>().With.Message.Contains(Environment.ProcessId.ToString()));
    }

    /// <summary>A new study runs three searches unless told otherwise; one seed runs one; a taken search runs none.</summary>
    [Test]
    public void TheCommandLineRunsThreeSearchSeedsByDefault()
    {
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings().ToOptions().EffectiveSearchSeeds, Is.EqualTo(new ulong[] { 0, 1, 2 }));
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings { SearchSeed = 5 }.ToOptions().EffectiveSearchSeeds, Is.EqualTo(new ulong[] { 5 }));
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings { SearchSeeds = "3, 4" }.ToOptions().EffectiveSearchSeeds, Is.EqualTo(new ulong[] { 3, 4 }));
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings { Search = "pi.json" }.ToOptions().SearchSeeds, Is.Null);
        Assert.That(() => new Parsec.Search.Cli.StudyCommand.Settings { SearchSeed = 1, SearchSeeds = "1,2" }.ToOptions(), Throws.TypeOf<BadInputException>().With.Message.Contains("not both"));
        Assert.That(() => new Parsec.Search.Cli.StudyCommand.Settings { SearchSeeds = "1,x" }.ToOptions(), Throws.TypeOf<BadInputException>().With.Message.Contains("--search-seeds: 'x'"));
    }

    /// <summary>--search-warmup reaches every search of the study; without it the searches keep search's own warm-up.</summary>
    [Test]
    public void TheStudysSearchWarmupReachesItsSearches()
    {
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings().ToOptions().Search.WarmupFraction, Is.EqualTo(new SearchOptions().WarmupFraction));
        var options = new Parsec.Search.Cli.StudyCommand.Settings { SearchWarmup = 0.6667, SearchIterations = 450 }.ToOptions();
        Assert.That(options.Search.WarmupFraction, Is.EqualTo(0.6667));
        Assert.That(options.Search.WarmupIterations(450), Is.EqualTo(300));
    }

    [Test]
    public void TheStudysSearchCommitReachesItsSearches()
    {
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings().ToOptions().Search.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(SearchOptions.DefaultCommit));
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings { SearchCommit = PriorCommit.Off }.ToOptions().Search.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off));
        Parsec.Search.Cli.StudyCommand.Settings CostAware(PriorCommit? commit) => new() { Cost = Parsec.Search.Cost.CostMeasure.Params, CostTarget = 30000, SearchCommit = commit };
        Assert.That(CostAware(null).ToOptions().Search.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off), "cost-aware searches keep their choices open unless told");
        Assert.That(CostAware(PriorCommit.Decided).ToOptions().Search.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Decided));
    }

    [Test]
    public void TheStudysSearchAugmentReachesItsSearches()
    {
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings().ToOptions().Search.Augment, Is.EqualTo(SearchAugment.None));
        Assert.That(new Parsec.Search.Cli.StudyCommand.Settings { SearchAugment = SearchAugment.Dataset }.ToOptions().Search.Augment, Is.EqualTo(SearchAugment.Dataset));
    }

    [Test]
    public void SearchSeedsAreCheckedAndExcludeATakenSearch()
    {
        Assert.That(() => (Tiny() with { SearchSeeds = [1, 1] }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("--search-seeds"));
        Assert.That(() => (Tiny() with { SearchSeeds = [] }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("--search-seeds"));
        Assert.That(() => (Tiny() with { SearchSeeds = [1], SearchFrom = "pi.json" }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("exclude each other"));
        Assert.That(() => (Tiny() with { Search = Tiny().Search with { Cost = Parsec.Search.Cost.CostMeasure.Latency, CostWeight = 1 } }).Validate(),
            Throws.TypeOf<BadInputException>().With.Message.Contains("--cost latency: a study prices genotypes by params or flops"));
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

    /// <summary>
    /// A study started with --reuse and resumed without it still copies from the earlier study (its reuse.json keeps
    /// the list); a reused folder that has gone by a later resume is named and its work redone, not a failure.
    /// </summary>
    [Test]
    public void AResumedStudyStillCopiesFromTheStudiesItWasStartedWith()
    {
        using var temp = new TempFolder();
        var first = Run(temp["first"]);
        var lines = new List<string>();
        var options = Tiny() with { SearchFrom = Path.Combine(temp["first"], "search") };
        using (var backend = new CpuBackend())
            StudyRunner.Start(options, temp["second"], backend, new Collect(lines), reuse: [temp["first"]], limits: new StudyLimits(StopAfterTrainings: 0));
        Assert.That(lines, Has.None.Contains("copied"), "stopped before its first training");
        StudyResult resumed;
        using (var backend = new CpuBackend())
            resumed = StudyRunner.Resume(temp["second"], backend, new Collect(lines));
        int trainings = first.Rows.Sum(r => r.Accuracies.Length);
        Assert.That(lines.Count(l => l.Contains("copied from an earlier study with the same data and budget")), Is.EqualTo(trainings), string.Join("\n", lines));
        Assert.That(resumed.Rows.Select(r => r.Accuracies), Is.EqualTo(first.Rows.Select(r => r.Accuracies)));

        // The earlier study moved away before another study's resume: named, and its trainings run here instead.
        lines.Clear();
        using (var backend = new CpuBackend())
            StudyRunner.Start(options, temp["third"], backend, new Collect(lines), reuse: [temp["first"]], limits: new StudyLimits(StopAfterTrainings: 0));
        Directory.Move(temp["first"], temp["moved"]);
        using (var backend = new CpuBackend())
            StudyRunner.Resume(temp["third"], backend, new Collect(lines), limits: new StudyLimits(StopAfterTrainings: 1));
        Assert.That(lines, Has.Some.Contains($"--reuse {Path.GetFullPath(temp["first"])}: no longer there"));
        Assert.That(lines, Has.None.Contains("copied from an earlier study"));
    }

    /// <summary>--reuse also copies a finished search with the same search options, even into a study with another training budget.</summary>
    [Test]
    public void AStudyWithAnotherBudgetReusesTheSearchOfAnEarlierStudy()
    {
        using var temp = new TempFolder();
        var first = Run(temp["first"]);
        var longer = Tiny() with { Training = Tiny().Training with { Epochs = 2 }, Seeds = 1, RandomGenotypes = 1 };
        var lines = new List<string>();
        StudyResult second;
        using (var backend = new CpuBackend())
            second = StudyRunner.Start(longer, temp["second"], backend, new Collect(lines), reuse: [temp["first"]]);
        Assert.That(lines, Has.Some.Contains("search: copied from an earlier study with the same data and search options"));
        Assert.That(File.ReadAllText(Path.Combine(temp["second"], "search", "metrics.jsonl")), Is.EqualTo(File.ReadAllText(Path.Combine(temp["first"], "search", "metrics.jsonl"))));
        Assert.That(second.Rows[0].Genotype, Is.EqualTo(first.Rows[0].Genotype));
        Assert.That(lines, Has.None.Contains("training 1/3: searched, seed 0: copied"), "trainings of another budget are not copied");

        // A study whose search differs (another seed) searches anew.
        lines.Clear();
        using (var backend = new CpuBackend())
            StudyRunner.Start(longer with { Search = longer.Search with { Seed = 9 } }, temp["third"], backend, new Collect(lines), reuse: [temp["first"]], limits: new StudyLimits(StopAfterTrainings: 0));
        Assert.That(lines, Has.None.Contains("copied from an earlier study"));
    }

    private sealed class Collect(List<string> lines) : IStudyProgress
    {
        public void Report(string message, double fractionDone) => lines.Add(message);
    }
}
