using Parsec.Search;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cost;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Search;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Cost;

/// <summary>PARSEC with a cost: the exact expected-cost term in pi's step, its multiplier, and a genotype that meets its target.</summary>
public class CostAwareSearchTests
{
    private static readonly CostShape Small = new(Channels: 8, Layers: 5, ImageSide: 28, InputChannels: 1);

    [Test]
    public void AGenotypeOverItsTargetGivesUpTheLeastLikelyChoicesUntilItFits()
    {
        var table = TermCostTable.Build(Small, CostMeasure.Params);
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var rng = new Rng(2);
        for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = rng.NextGaussian();
        var genotype = PublishedGenotypes.DartsV2;
        double cost = table.CostOf(Architecture.FromGenotype(genotype));

        var (same, unchanged) = CostRepair.Fit(genotype, prior, table, cost + 1);
        Assert.That(same.ToJson(), Is.EqualTo(genotype.ToJson()));
        Assert.That((unchanged.ChangedTerms, unchanged.MeetsTarget), Is.EqualTo((0, true)));

        double target = 0.8 * cost;
        var (fitted, fit) = CostRepair.Fit(genotype, prior, table, target);
        Assert.That(fit.Cost, Is.EqualTo(table.CostOf(Architecture.FromGenotype(fitted))));
        Assert.That(fit.Cost, Is.LessThanOrEqualTo(target));
        Assert.That(fit.ChangedTerms, Is.GreaterThan(0));
        var before = Architecture.FromGenotype(genotype);
        var after = Architecture.FromGenotype(fitted);
        foreach (var type in CellTypes.All)
            for (int k = 0; k < SearchSpace.Darts.Terms; k++)
                Assert.That(after.Of(type)[k].Input, Is.EqualTo(before.Of(type)[k].Input), "only ops change");
        Assert.That(fit.Describe(), Does.Contain("under").And.Contain("changed to cheaper ops"));

        var (_, impossible) = CostRepair.Fit(genotype, prior, table, table.Fixed / 2);
        Assert.That(impossible.MeetsTarget, Is.False);
        Assert.That(impossible.Describe(), Does.Contain("OVER"));
    }

    /// <summary>
    /// With no evidence from the data, the cost term alone drives pi to its target and keeps it there: the multiplier
    /// climbs while pi is over budget and is 0 whenever it is under, so pi settles near the target instead of
    /// overshooting far below it (which spends the budget on nothing).
    /// </summary>
    [Test]
    public void TheConstraintBringsPisExpectedCostToTheTargetAndTheMultiplierFollows()
    {
        var table = TermCostTable.Build(Small, CostMeasure.Params);
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var uniform = new ArchitecturePrior(TermInputs.DistinctPerNode);
        double start = table.ExpectedCost(prior).Expected, target = 0.85 * start;
        var cost = new SearchCost(table, target, null, uniform);
        var optimizer = new PriorOptimizer(prior, new PriorOptimizerOptions(0.05));
        var steps = new List<(double Expected, double Multiplier)>();
        for (int step = 0; step < 150; step++)
        {
            var ascent = new double[prior.Logits.Length];
            double expected = cost.Apply(prior, ascent);
            optimizer.Step(ascent);
            steps.Add((expected, cost.Multiplier));
        }
        Assert.That(steps.Take(5).Select(s => s.Multiplier), Is.Ordered.And.All.GreaterThan(0), "the multiplier climbs while pi is over its budget");
        Assert.That(steps.Where(s => s.Expected <= target).Select(s => s.Multiplier), Is.Not.Empty.And.All.EqualTo(0), "and is 0 while pi is under it");
        Assert.That(steps.Skip(100).Select(s => s.Expected / target), Is.All.InRange(0.85, 1.15), "pi stays near its target, neither over nor far under it");
    }

    [Test]
    public void ACostAwareSearchMeetsItsTargetLogsItsCostAndResumesBitForBit()
    {
        string root = Directory.CreateTempSubdirectory("parsec-cost-search-").FullName;
        try
        {
            var probe = SearchRunTests.Tiny(6);
            var data = SearchRunner.LoadDataset(probe);
            var table = TermCostTable.Build(new CostShape(probe.Channels, probe.Layers, data.Height, data.Channels, data.Classes), CostMeasure.Params);
            double target = 0.75 * table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected;
            var options = probe with { Cost = CostMeasure.Params, CostTarget = target, WarmupFraction = 0, CheckpointEvery = 100 };

            var whole = RunFolder.CreateNew(root, "whole", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, whole);
            var cost = SearchRunner.ReadGenotypeCost(whole)!;
            Assert.That(cost.Target, Is.EqualTo(target));
            Assert.That(cost.Cost, Is.EqualTo(table.CostOf(Architecture.FromGenotype(Genotype.Load(whole.Genotype)))));
            Assert.That(cost.MeetsTarget, Is.True);
            var last = JsonNode.Parse(File.ReadLines(whole.Metrics).Last())!;
            Assert.That(last["expected_cost"]!.GetValue<double>(), Is.GreaterThan(0));
            Assert.That(last["cost_multiplier"]!.GetValue<double>(), Is.GreaterThanOrEqualTo(0));

            var split = RunFolder.CreateNew(root, "split", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, split, limits: new RunLimits(StopAfterIteration: 3));
            using (var backend = new CpuBackend()) SearchRunner.Resume(split, backend);
            Assert.That(File.ReadAllText(split.Pi), Is.EqualTo(File.ReadAllText(whole.Pi)), "the multiplier resumes with the checkpoint");
            Assert.That(File.ReadAllLines(split.Metrics).Select(l => JsonNode.Parse(l)!["cost_multiplier"]!.GetValue<double>()),
                Is.EqualTo(File.ReadAllLines(whole.Metrics).Select(l => JsonNode.Parse(l)!["cost_multiplier"]!.GetValue<double>())));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    /// <summary>
    /// --cost latency: the search measures (or takes this machine's cached) latency table, keeps it in latency.json,
    /// prices its genotype with it exactly, and a resume prices with the kept table (without it, it refuses).
    /// </summary>
    [Test]
    public void ALatencyAwareSearchKeepsItsTableAndPricesItsGenotypeWithIt()
    {
        string root = Directory.CreateTempSubdirectory("parsec-latency-search-").FullName;
        try
        {
            var probe = SearchRunTests.Tiny(6);
            var options = probe with { Cost = CostMeasure.Latency, CostWeight = 0.5, WarmupFraction = 0, CheckpointEvery = 100 };
            var whole = RunFolder.CreateNew(root, "whole", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, whole);
            var table = LatencyTable.Read(whole.Latency);
            Assert.That(table.Shape, Is.EqualTo(SearchSession.CostShapeOf(probe, SearchRunner.LoadDataset(probe))));
            var cost = SearchRunner.ReadGenotypeCost(whole)!;
            Assert.That(cost.Measure, Is.EqualTo(CostMeasure.Latency));
            Assert.That(cost.Cost, Is.EqualTo(table.Predict(Genotype.Load(whole.Genotype))).Within(1e-9 * Math.Abs(cost.Cost)));
            Assert.That(cost.Describe(), Does.StartWith("predicted forward latency: ").And.Contain(" ms"));
            Assert.That(JsonNode.Parse(File.ReadLines(whole.Metrics).Last())!["expected_cost"]!.GetValue<double>(), Is.GreaterThan(0));

            var split = RunFolder.CreateNew(root, "split", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, split, limits: new RunLimits(StopAfterIteration: 3));
            using (var backend = new CpuBackend()) SearchRunner.Resume(split, backend);
            Assert.That(File.ReadAllText(split.Pi), Is.EqualTo(File.ReadAllText(whole.Pi)));

            var lost = RunFolder.CreateNew(root, "lost", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, lost, limits: new RunLimits(StopAfterIteration: 3));
            File.Delete(lost.Latency);
            using (var backend = new CpuBackend())
                Assert.That(() => SearchRunner.Resume(lost, backend), Throws.TypeOf<BadInputException>().With.Message.Contains("without its latency.json"));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Test]
    public void CostOptionsAreCheckedTogether()
    {
        var options = new SearchOptions();
        Assert.That(() => (options with { CostTarget = 100 }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("--cost needs"));
        Assert.That(() => (options with { Cost = CostMeasure.Params }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("--cost needs"));
        Assert.That(() => (options with { Cost = CostMeasure.Params, CostTarget = 1, CostWeight = 1 }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("not both"));
        Assert.That(() => (options with { Cost = CostMeasure.Params, CostTarget = -1 }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("--cost-target"));
        Assert.That(() => (options with { Cost = CostMeasure.Flops, CostWeight = 1, Strategy = SearchStrategy.RandomWs }).Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("parsec strategy"));
        Assert.That(() => (options with { Cost = CostMeasure.Flops, CostWeight = 0.5 }).Validate(), Throws.Nothing);
    }
}
