using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

/// <summary>--commit decided: which choices are fixed, that a fixed choice stays fixed, and that a search with it resumes bit for bit.</summary>
public class ChoiceCommitmentTests
{
    private static readonly Dictionary<int, double> Thresholds = new() { [2] = 0.5, [3] = 0.3, [4] = 0.25, [5] = 0.2, [7] = 0.15 };

    [Test]
    public void OnlyMarginsAboveTheirBlockSizesThresholdAreDecided()
    {
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var d = prior.Distribution;
        int strongOp = prior.OpBlock(CellType.Normal, 0), weakOp = prior.OpBlock(CellType.Normal, 1);
        d.Logits[d.Offset(strongOp) + 4] = 2.0;  // p 0.55 against 0.07 for each other: margin 0.48
        d.Logits[d.Offset(weakOp) + 2] = 0.3;    // p 0.18 against 0.14: margin 0.05
        int firstInput = prior.InputBlock(CellType.Normal, 0), secondInput = prior.InputBlock(CellType.Normal, 1);
        d.Logits[d.Offset(firstInput) + 1] = 3.0; // p 0.95 of 2: margin 0.91

        var decided = ChoiceCommitment.Decided(d, Thresholds, new HashSet<int>());
        Assert.That(decided, Does.Contain((strongOp, 4)));
        Assert.That(decided, Does.Contain((firstInput, 1)));
        Assert.That(decided.Select(x => x.Block), Does.Not.Contain(weakOp));
        // The node's second input must differ from its first: it is judged only once the first is committed.
        Assert.That(decided.Select(x => x.Block), Does.Not.Contain(secondInput));
        var afterFirst = ChoiceCommitment.Decided(d, Thresholds, new HashSet<int> { firstInput });
        Assert.That(afterFirst, Does.Contain((secondInput, 0)), "with the first input at c_{k-1}, the second has one value left");
        Assert.That(decided, Has.Count.EqualTo(2));
    }

    /// <summary>
    /// A cost-aware search whose likelihoods carry nothing (equal importance weights) is moved by its cost term alone,
    /// toward cheap operations. Among the operations the parameter-free ones cost the same, so their margins stay 0,
    /// but a reduction cell's inputs differ in cost (a skip from a cell input is a factorized reduction, with
    /// weights), and a floor without the cost (0 here) would commit them. The noise floor applies the same cost term,
    /// so nothing the cost alone did is decided.
    /// </summary>
    [Test]
    public void WhatTheCostTermAloneMovesIsNotDecided()
    {
        var table = Parsec.Search.Cost.TermCostTable.Build(new Parsec.Search.Cost.CostShape(Channels: 8, Layers: 5, ImageSide: 28, InputChannels: 1), Parsec.Search.Cost.CostMeasure.Params);
        double target = 0.6 * table.ExpectedCost(new ArchitecturePrior(TermInputs.DistinctPerNode)).Expected;
        var optimizer = new PriorOptimizerOptions(0.05);
        var equal = Enumerable.Range(0, 10).Select(_ => Enumerable.Repeat(0.25, 4).ToArray()).ToList();
        const int updates = 40;

        var searched = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var step = new PriorOptimizer(searched, optimizer);
        var cost = new SearchCost(table, target, weight: null, new ArchitecturePrior(TermInputs.DistinctPerNode));
        var rng = new Rng(9);
        for (int t = 0; t < updates; t++)
        {
            var samples = Enumerable.Range(0, 4).Select(_ => searched.Distribution.Sample(rng)).ToList();
            var gradient = PriorGradient.FromWeights(searched.Distribution, samples, equal[t % equal.Count], PriorBaseline.Mean);
            cost.Apply(searched, gradient);
            step.Step(gradient);
        }

        DecisionNoise.Replay Replay(SearchCost? term) =>
            new(TermInputs.DistinctPerNode, optimizer, PriorBaseline.Mean, equal, updates, Cost: term);
        var withoutCost = DecisionNoise.Thresholds(Replay(null), replays: 3, quantile: SearchOptions.CommitQuantile);
        Assert.That(ChoiceCommitment.Decided(searched.Distribution, withoutCost, new HashSet<int>()), Is.Not.Empty,
            "the cost term opens margins that a floor without it calls decided");
        var withCost = DecisionNoise.Thresholds(Replay(cost), replays: 3, quantile: SearchOptions.CommitQuantile);
        Assert.That(ChoiceCommitment.Decided(searched.Distribution, withCost, new HashSet<int>()), Is.Empty);
    }

    [Test]
    public void ACommittedBlockIsSampledAlwaysAndNoStepMovesIt()
    {
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        var d = prior.Distribution;
        var optimizer = new PriorOptimizer(prior, new PriorOptimizerOptions(LearningRate: 0.5, WeightDecay: 0.1));
        int block = prior.OpBlock(CellType.Reduce, 3);
        ChoiceCommitment.Commit(d, optimizer, block, 6);
        var committedLogits = d.Logits.Skip(d.Offset(block)).Take(d.Size(block)).ToArray();
        Assert.That(d.Probabilities(block)[6], Is.EqualTo(1.0));

        var rng = new Rng(3);
        var gradient = Enumerable.Range(0, d.Logits.Length).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
        var open = d.Offset(prior.OpBlock(CellType.Normal, 0));
        double openBefore = d.Logits[open];
        for (int step = 0; step < 20; step++)
        {
            Assert.That(d.Sample(rng)[block], Is.EqualTo(6));
            optimizer.Step(gradient);
        }
        Assert.That(d.Logits.Skip(d.Offset(block)).Take(d.Size(block)), Is.EqualTo(committedLogits), "a committed block's logits are frozen");
        Assert.That(d.Logits[open], Is.Not.EqualTo(openBefore), "the open blocks still learn");
        Assert.That(d.Mode()[block], Is.EqualTo(6));
    }

    [Test]
    public void ASearchWithCommitsResumesBitwiseAndKeepsWhatItCommitted()
    {
        var root = Directory.CreateTempSubdirectory("parsec-commit-").FullName;
        try
        {
            // 20 pi updates of 8 samples, a look every 4; with seed 5 the first commit comes before the stop at 30, so the
            // resume must bring back a committed block and the importance weights the later looks replay.
            var options = SearchRunTests.Tiny(40) with
            {
                Dataset = SearchRunTests.Tiny(40).Dataset with { TrainCount = 128 }, Layers = 2, Samples = 8, PriorLearningRate = null,
                Commit = PriorCommit.Decided, CommitEvery = 4, CheckpointEvery = 100,
            };
            var whole = RunFolder.CreateNew(root, "whole", DateTime.Now);
            using (var backend = new CpuBackend()) Assert.That(SearchRunner.Start(options, backend, whole).Outcome, Is.EqualTo(SearchOutcome.Completed));
            var split = RunFolder.CreateNew(root, "split", DateTime.Now);
            using (var backend = new CpuBackend())
                Assert.That(SearchRunner.Start(options, backend, split, limits: new RunLimits(StopAfterIteration: 30)).Outcome, Is.EqualTo(SearchOutcome.Interrupted));
            using (var backend = new CpuBackend()) Assert.That(SearchRunner.Resume(RunFolder.OpenExisting(split.Path), backend).Outcome, Is.EqualTo(SearchOutcome.Completed));

            var pi = PriorJson.Load(whole.Pi);
            Assert.That(PriorJson.Load(split.Pi).Logits, Is.EqualTo(pi.Logits), "pi differs after the resume");
            var rows = MetricsFile.Read(whole.Metrics).Rows;
            var committed = rows.Select(r => r.TryGet("committed_choices", out double n) ? n : 0).ToArray();
            Assert.That(committed[29], Is.GreaterThan(0), "a choice was committed before the stop");
            Assert.That(committed.Zip(committed.Skip(1)).All(p => p.Second >= p.First), Is.True, "a commit is never undone");
            // Every committed block sits at exactly 0 for its value and -Gap for the rest.
            var d = pi.Distribution;
            int exact = Enumerable.Range(0, d.BlockCount).Count(b =>
            {
                var logits = d.Logits.Skip(d.Offset(b)).Take(d.Size(b)).ToArray();
                return logits.Count(l => l == 0) == 1 && logits.Count(l => l == -ChoiceCommitment.Gap) == logits.Length - 1;
            });
            Assert.That(exact, Is.EqualTo((int)committed[^1]));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Test]
    public void CommitsAreTheDefaultForParsecWithoutACostOnlyAndOlderRunsReadAsKeepingEveryChoiceOpen()
    {
        Assert.That(new SearchOptions().Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(SearchOptions.DefaultCommit));
        Assert.That(new SearchOptions { Strategy = SearchStrategy.Darts }.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off));
        Assert.That(new SearchOptions { Strategy = SearchStrategy.RandomWs }.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off));
        Assert.That(SearchOptions.Paper.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off), "the paper keeps every choice open");
        var costAware = new SearchOptions { Cost = Parsec.Search.Cost.CostMeasure.Params, CostTarget = 30000 };
        Assert.That(costAware.Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Off), "a cost-aware search commits only when told");
        Assert.That((costAware with { Commit = PriorCommit.Decided }).Resolved(100, 8, priorImages: 6_400).Commit, Is.EqualTo(PriorCommit.Decided));

        // options.json written before --commit existed has no "commit": such a run resumes without commits.
        var path = Path.Combine(Directory.CreateTempSubdirectory("parsec-commit-options-").FullName, "options.json");
        try
        {
            OptionsFile.Write(path, new SearchOptions().Resolved(100, 8, priorImages: 6_400), "cpu", Parsec.Autodiff.Precision.Fp32);
            Assert.That(OptionsFile.Read(path).Commit, Is.EqualTo(PriorCommit.Decided));
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.That(node.Remove("commit"), Is.True);
            File.WriteAllText(path, node.ToJsonString());
            Assert.That(OptionsFile.Read(path).Commit, Is.EqualTo(PriorCommit.Off));
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, recursive: true); }
    }
}
