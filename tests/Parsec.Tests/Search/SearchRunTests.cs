using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Generated;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

public class SearchRunTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("parsec-search-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    /// <summary>A search of seconds: C = 4, 3 cells, 8x8 textures, batches of 8, K = 3.</summary>
    internal static SearchOptions Tiny(int iterations) => new()
    {
        Dataset = new DatasetSpec(OrientedTextures.Name, ImageSize: 8, TrainCount: 64),
        Channels = 4, Layers = 3, BatchSize = 8, Samples = 3, Iterations = iterations,
        PriorLearningRate = 0.05, CheckpointEvery = 2, Seed = 5,
    };

    private RunFolder NewRun(string name) => RunFolder.CreateNew(_root, name, DateTime.Now);

    [Test]
    public void ResumedRunEndsBitwiseEqualToAnUninterruptedOne()
    {
        var options = Tiny(7) with { CheckpointEvery = 100 };
        var whole = NewRun("whole");
        using (var backend = new CpuBackend()) Assert.That(SearchRunner.Start(options, backend, whole).Outcome, Is.EqualTo(SearchOutcome.Completed));

        var split = NewRun("split");
        using (var backend = new CpuBackend())
        {
            var first = SearchRunner.Start(options, backend, split, limits: new RunLimits(StopAfterIteration: 3));
            Assert.That(first.Outcome, Is.EqualTo(SearchOutcome.Interrupted));
            Assert.That(first.Iterations, Is.EqualTo(3));
        }
        using (var backend = new CpuBackend())
        {
            var rest = SearchRunner.Resume(RunFolder.OpenExisting(split.Path), backend);
            Assert.That(rest.Outcome, Is.EqualTo(SearchOutcome.Completed));
            Assert.That(rest.Iterations, Is.EqualTo(7));
        }

        Assert.That(PriorJson.Load(split.Pi).Logits, Is.EqualTo(PriorJson.Load(whole.Pi).Logits), "pi differs");
        var a = SafeTensorsReader.ReadFile(whole.Checkpoint);
        var b = SafeTensorsReader.ReadFile(split.Checkpoint);
        Assert.That(b.Tensors.Select(t => t.Name), Is.EqualTo(a.Tensors.Select(t => t.Name)));
        foreach (var t in a.Tensors)
            Assert.That(MemoryMarshal.AsBytes(b.Get(t.Name).Data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(t.Data.AsSpan())), Is.True, $"tensor {t.Name} differs");
        Assert.That(b.Metadata["parsec.search_state"], Is.EqualTo(a.Metadata["parsec.search_state"]));

        // The logs of the resumed run hold each iteration once, with the same losses.
        var wholeRows = MetricsFile.Read(whole.Metrics).Rows;
        var splitRows = MetricsFile.Read(split.Metrics).Rows;
        Assert.That(splitRows.Select(r => r.Values[MetricsFile.Iteration]), Is.EqualTo(Enumerable.Range(1, 7).Select(i => (double)i)));
        Assert.That(splitRows.Select(r => r.Values[MetricsFile.TrainLoss]), Is.EqualTo(wholeRows.Select(r => r.Values[MetricsFile.TrainLoss])));
        Assert.That(splitRows.Select(r => r.TryGet(MetricsFile.ValLoss, out double v) ? v : (double?)null),
            Is.EqualTo(wholeRows.Select(r => r.TryGet(MetricsFile.ValLoss, out double v) ? v : (double?)null)));
        Assert.That(PiHistoryFile.Read(split.PiHistory).Snapshots.Select(s => s.Iteration), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (long)i)));
    }

    [Test]
    public void NonFiniteValuesStopTheRunWithAReportAndKeepTheLastGoodCheckpoint()
    {
        // Two good iterations and a checkpoint, then the run continues with a learning rate so large that the
        // weights overflow in the next step (options.json is what a resumed run reads).
        var run = NewRun("diverges");
        using (var backend = new CpuBackend())
            SearchRunner.Start(Tiny(8) with { CheckpointEvery = 1, WarmupFraction = 0 }, backend, run, limits: new RunLimits(StopAfterIteration: 2));
        var options = OptionsFile.Read(run.Options);
        OptionsFile.Write(run.Options, options with { WeightLearningRate = 1e30, WeightLearningRateMin = 1e30, GradientClip = 1e30 }, "cpu", Parsec.Autodiff.Precision.Fp32);

        SearchResult result;
        using (var backend = new CpuBackend()) result = SearchRunner.Resume(run, backend);

        Assert.That(result.Outcome, Is.EqualTo(SearchOutcome.StoppedOnNonFiniteValue));
        var report = result.NonFinite!;
        Assert.That(report.Iteration, Is.EqualTo(3));
        string text = File.ReadAllText(run.NanReport);
        Assert.That(text, Does.Contain("iteration:  3").And.Contain(report.Tensor).And.Contain(report.Phase));
        Assert.That(text, Does.Contain("last good checkpoint (iteration 2)"));
        var state = JsonNode.Parse(SafeTensorsReader.ReadFile(run.Checkpoint).Metadata["parsec.search_state"])!;
        Assert.That(state["Iteration"]!.GetValue<int>(), Is.EqualTo(2), "the checkpoint is the last good iteration");
        Assert.That(MetricsFile.Read(run.Metrics).Rows, Has.Count.EqualTo(2), "no metrics line for the failed iteration");
    }

    [Test]
    public void ARunFolderHoldsEveryOutputInItsDocumentedFormat()
    {
        var options = Tiny(4);
        var run = NewRun("outputs");
        int automaticConcurrency;
        using (var backend = new CpuBackend())
        {
            SearchRunner.Start(options, backend, run);
            automaticConcurrency = SampleConcurrency.Automatic(backend, options.Samples, () => 0);
        }

        // options.json records what was in force: 64 images split in halves give 4 batches of 8 per epoch.
        var recorded = OptionsFile.Read(run.Options);
        Assert.That(recorded, Is.EqualTo(options.Resolved(iterationsPerEpoch: 4, imageSide: 8, priorImages: 32) with { Concurrency = automaticConcurrency }));
        Assert.That(recorded.LikelihoodScale, Is.EqualTo(1.0 / 8), "the per-example mean at batch 8");
        Assert.That(recorded.Epochs, Is.EqualTo(1), "4 iterations span one epoch");
        var metrics = MetricsFile.Read(run.Metrics);
        Assert.That(metrics.Rows, Has.Count.EqualTo(4));
        string[] required =
        [
            MetricsFile.Iteration, MetricsFile.Epoch, MetricsFile.LearningRate, MetricsFile.TrainLoss, MetricsFile.TrainAcc, MetricsFile.ValLoss,
            MetricsFile.ValAcc, MetricsFile.WeightEntropy, MetricsFile.PiEntropy, MetricsFile.SamplesPerSecond, MetricsFile.StepMs, MetricsFile.MemoryMib,
        ];
        // The first half is the warm-up, which does not evaluate the pi half.
        foreach (var row in metrics.Rows)
            foreach (string key in required.Where(k => row.Values[MetricsFile.Iteration] > 2 || k is not (MetricsFile.ValLoss or MetricsFile.ValAcc)))
                Assert.That(row.Values.ContainsKey(key), Is.True, $"metrics line {row.LineNumber} lacks '{key}'");
        Assert.That(metrics.Rows.Count(r => r.Values.ContainsKey(MetricsFile.ValLoss)), Is.EqualTo(2));
        var history = PiHistoryFile.Read(run.PiHistory);
        Assert.That(history.Snapshots, Has.Count.EqualTo(5), "iteration 0 (the starting prior) and one line per iteration");
        var prior = PriorJson.Load(run.Pi);
        Assert.That(history.Snapshots[^1].Normal.Ops[3], Is.EqualTo(prior.OpProbabilities(Parsec.Search.Space.CellType.Normal, 3)).Within(1e-12));
        // genotype.json is the derivation of pi.json with the noise estimate written beside it (exact ties drawn, not taken in list order).
        var derived = Derivation.Derive(prior, DecisionNoiseFile.LoadBeside(run.Pi));
        Assert.That(Parsec.Search.Space.Genotype.Load(run.Genotype).ToJson(), Is.EqualTo(derived.Genotype.ToJson()));
        Assert.That(File.Exists(Path.Combine(run.Path, DecisionNoiseFile.FileName)), Is.True);
        var memory = JsonNode.Parse(File.ReadAllText(run.MemoryJson))!;
        Assert.That(memory["supernet_over_sampled_total"]!.GetValue<double>(), Is.GreaterThan(1));
        Assert.That(File.ReadAllText(run.MemoryText), Does.Contain("DARTS supernet"));
    }

    [Test]
    public void ASearchCanStartFromATransferredPriorOnADeeperNetwork()
    {
        var source = NewRun("source");
        using (var backend = new CpuBackend()) SearchRunner.Start(Tiny(3), backend, source);
        var learnt = PriorJson.Load(source.Pi);

        var target = NewRun("target");
        var deeper = Tiny(1) with { Layers = 5, Channels = 6, PriorFrom = source.Pi, PriorLearningRate = 0 };
        using (var backend = new CpuBackend()) SearchRunner.Start(deeper, backend, target);
        var start = PiHistoryFile.Read(target.PiHistory).Snapshots[0];
        Assert.That(start.Normal.Inputs[5], Is.EqualTo(learnt.InputProbabilities(Parsec.Search.Space.CellType.Normal, 5)).Within(1e-12));
        Assert.That(PriorJson.Load(target.Pi).Logits, Is.EqualTo(learnt.Logits), "with a zero prior learning rate pi stays as transferred");
    }
}
