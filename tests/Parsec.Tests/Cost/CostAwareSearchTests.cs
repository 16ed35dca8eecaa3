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

    /// <summary>
    /// Under a target, the genotype is pi's most likely one among those that spend 90-100 % of it: the cost term makes
    /// each undecided term's favourite its cheapest op, so pi's argmax alone falls far under the budget. Checked
    /// against every one-node change of the result that the band admits (with the cost axis' rounding left aside): none
    /// is more likely.
    /// </summary>
    [Test]
    public void UnderATargetTheGenotypeIsTheMostLikelyThatSpendsTheBudget()
    {
        var table = TermCostTable.Build(Small, CostMeasure.Params);
        var prior = GaussianPrior(2);
        // Pools favoured, as the cost term leaves an undecided pi: its argmax costs little more than the fixed part.
        foreach (var type in CellTypes.All)
            for (int k = 0; k < SearchSpace.Darts.Terms; k++)
                prior.Logits[prior.Distribution.Offset(prior.OpBlock(type, k)) + SearchSpace.Darts.IndexOf(Primitives.AvgPool3x3)] += 3;
        var mostLikely = Derivation.Derive(prior, noise: null).Genotype;
        double uniformCost = table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected;
        double target = 0.8 * uniformCost;
        Assert.That(table.CostOf(Architecture.FromGenotype(mostLikely)), Is.LessThan(0.6 * target), "the argmax leaves most of the budget unspent");

        var (fitted, fit) = BudgetDerivation.Fit(mostLikely, prior, table, target);
        var chosen = Architecture.FromGenotype(fitted);
        Assert.That(fit.Cost, Is.EqualTo(table.CostOf(chosen)));
        Assert.That(fit.Cost, Is.InRange(BudgetDerivation.SpentFraction * target, target));
        Assert.That(fit.ChangedTerms, Is.GreaterThan(0));
        Assert.That(fit.MostLikelyCost, Is.EqualTo(table.CostOf(Architecture.FromGenotype(mostLikely))));
        Assert.That(fit.Describe(), Does.Contain("under").And.Contain("differ from its most likely genotype"));

        double step = (target - table.Fixed) / BudgetDerivation.Steps, slack = 2 * SearchSpace.Darts.Nodes * step;
        double logP = prior.LogProbability(chosen);
        int admitted = 0;
        var distribution = prior.Distribution;
        foreach (var type in CellTypes.All)
            for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
            {
                int first = node * CellLayout.TermsPerNode, inputs = CellLayout.InputsOfNode(node);
                for (int a = 0; a < inputs; a++)
                    for (int b = 0; b < inputs; b++)
                        for (int opA = 0; opA < SearchSpace.Darts.Ops.Count; opA++)
                            for (int opB = 0; opB < SearchSpace.Darts.Ops.Count; opB++)
                            {
                                if (a == b) continue; // distinct inputs
                                var choices = prior.ToChoices(chosen);
                                choices[prior.InputBlock(type, first)] = a;
                                choices[prior.OpBlock(type, first)] = opA;
                                choices[prior.InputBlock(type, first + 1)] = b;
                                choices[prior.OpBlock(type, first + 1)] = opB;
                                var other = prior.FromChoices(choices);
                                double cost = table.CostOf(other);
                                if (cost < BudgetDerivation.SpentFraction * target || cost > target - slack) continue;
                                admitted++;
                                Assert.That(distribution.LogProbability(choices), Is.LessThanOrEqualTo(logP + 1e-9), $"{other} is in the band and more likely");
                            }
            }
        Assert.That(admitted, Is.GreaterThan(100), "the check compares against many alternatives");
    }

    /// <summary>A prior with standard normal logits: a pi with a preference on every choice.</summary>
    private static ArchitecturePrior GaussianPrior(ulong seed)
    {
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var rng = new Rng(seed);
        for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = rng.NextGaussian();
        return prior;
    }

    [Test]
    public void AGenotypeInTheBandStaysAndAnUnreachableTargetIsReportedOver()
    {
        var table = TermCostTable.Build(Small, CostMeasure.Params);
        var prior = GaussianPrior(3);
        var mostLikely = Derivation.Derive(prior, noise: null).Genotype;
        double cost = table.CostOf(Architecture.FromGenotype(mostLikely));

        var (same, unchanged) = BudgetDerivation.Fit(mostLikely, prior, table, cost / 0.95);
        Assert.That(same.ToJson(), Is.EqualTo(mostLikely.ToJson()), "pi's argmax already spends 95 % of the target");
        Assert.That((unchanged.ChangedTerms, unchanged.MeetsTarget), Is.EqualTo((0, true)));

        var (_, beyond) = BudgetDerivation.Fit(mostLikely, prior, table, 1e9);
        Assert.That(beyond.ChangedTerms, Is.EqualTo(0), "a target no genotype reaches 90 % of leaves the argmax as it is");

        var (over, impossible) = BudgetDerivation.Fit(mostLikely, prior, table, table.Fixed / 2);
        Assert.That(impossible.MeetsTarget, Is.False);
        Assert.That(impossible.Cost, Is.EqualTo(table.Fixed), "the cheapest genotype: every term free");
        Assert.That(impossible.Describe(), Does.Contain("OVER"));
        Assert.That(table.CostOf(Architecture.FromGenotype(over)), Is.EqualTo(table.Fixed));
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
            string derived = Path.Combine(root, "derived.json");
            Assert.That(Parsec.Search.Cli.CliApp.Run(["derive", whole.Path, "--out", derived]), Is.EqualTo(Parsec.Search.Cli.CliApp.Success));
            Assert.That(File.ReadAllText(derived), Is.EqualTo(File.ReadAllText(whole.Genotype)), "derive gives a cost-aware run's genotype as the search derived it");
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

    /// <summary>`derive RUN --cost params --cost-target T`: one search without a cost, a genotype for any budget; without a run folder to price it for, refused by name.</summary>
    [Test]
    public void DeriveGivesASearchWithoutACostItsGenotypeForAnyBudget()
    {
        string root = Directory.CreateTempSubdirectory("parsec-derive-budget-").FullName;
        try
        {
            var options = SearchRunTests.Tiny(4) with { WarmupFraction = 0 };
            var run = RunFolder.CreateNew(root, "plain", DateTime.Now);
            using (var backend = new CpuBackend()) SearchRunner.Start(options, backend, run);
            var data = SearchRunner.LoadDataset(options);
            var table = TermCostTable.Build(new CostShape(options.Channels, options.Layers, data.Height, data.Channels, data.Classes), CostMeasure.Params);
            foreach (double share in new[] { 0.6, 0.8 })
            {
                double target = table.Fixed + share * (table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected - table.Fixed);
                string derived = Path.Combine(root, $"derived-{share}.json");
                Assert.That(Parsec.Search.Cli.CliApp.Run(["derive", run.Path, "--cost", "params", "--cost-target", $"{target}", "--out", derived]), Is.EqualTo(Parsec.Search.Cli.CliApp.Success));
                Assert.That(table.CostOf(Architecture.FromGenotype(Genotype.Load(derived))), Is.InRange(BudgetDerivation.SpentFraction * target, target));
            }
            var errors = new StringWriter();
            var previous = Spectre.Console.AnsiConsole.Console;
            Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(errors), Ansi = Spectre.Console.AnsiSupport.No });
            Spectre.Console.AnsiConsole.Console.Profile.Width = 400;
            try { Assert.That(Parsec.Search.Cli.CliApp.Run(["derive", run.Pi, "--cost", "params", "--cost-target", "30000"]), Is.EqualTo(2)); }
            finally { Spectre.Console.AnsiConsole.Console = previous; }
            Assert.That(errors.ToString(), Does.Contain("--cost-target").And.Contain("give the run folder"));
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
