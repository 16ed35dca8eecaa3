using System.Text.Json;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Loop;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Training;

/// <summary>
/// The whole pipeline at toy size on the generated dataset: a few search iterations, the derived genotype
/// trained from scratch for a few epochs, the weights evaluated. Every file the two runs write must parse.
/// </summary>
[TestFixture]
public class SearchToEvaluationTests
{
    [Test]
    public void SearchDeriveTrainEvaluate()
    {
        using var temp = new TempFolder();
        var spec = EvaluationRunTests.TinyData;

        // Search: C = 4, 3 cells, K = 2 samples, 3 iterations on the same generated textures.
        var searchOptions = new SearchOptions
        {
            Dataset = spec with { TrainCount = 64, TestCount = null },
            Channels = 4, Layers = 3, BatchSize = 16, Samples = 2, Iterations = 3, Epochs = 1, Seed = 3,
        };
        SearchResult search;
        using (var backend = new CpuBackend())
            search = SearchRunner.Start(searchOptions, backend, RunFolder.CreateNew(temp["runs"], "search", DateTime.Now));
        Assert.That(search.Outcome, Is.EqualTo(SearchOutcome.Completed));

        // Derive: the search's most likely genotype, read back from its genotype.json as the train command would.
        var genotype = PublishedGenotypes.Resolve(search.Run.Genotype);
        Assert.That(genotype.Normal.SequenceEqual(search.MostLikely.Genotype.Normal) && genotype.Reduce.SequenceEqual(search.MostLikely.Genotype.Reduce), Is.True);

        // Train it from scratch.
        string trainFolder = temp["runs/train"];
        var result = EvaluationRunTests.Train(trainFolder, EvaluationRunTests.Tiny(2), spec, genotype);
        Assert.That(result.Epochs, Is.EqualTo(2));
        // Learned, whatever toy genotype three search iterations derive (its accuracy after two epochs ranges from 0.17 to
        // 0.57 between genotypes that differ in one input, and which one is derived moves with the kernels' rounding):
        // the test loss is below that of a uniform guess and the accuracy above chance.
        Assert.That(result.TestLoss, Is.LessThan(Math.Log(10)), "a uniform guess over 10 classes has loss ln 10");
        Assert.That(result.TestAccuracy, Is.GreaterThan(0.1), "10 classes: chance is 0.1");

        // Evaluate the saved weights: the same accuracy as the run's final test pass.
        using (var backend = new CpuBackend())
        {
            var evaluation = WeightsEvaluation.Evaluate(backend, trainFolder, null);
            Assert.That(evaluation.Tally.Top1Accuracy, Is.EqualTo(result.TestAccuracy));
            Assert.That(evaluation.Tally.Count, Is.EqualTo(spec.TestCount));
            Assert.That(evaluation.Tally.TopKAccuracy, Is.GreaterThanOrEqualTo(evaluation.Tally.Top1Accuracy));
            Assert.That(Enumerable.Range(0, 10).Sum(c => evaluation.Tally.ClassTotal(c)), Is.EqualTo(spec.TestCount));
        }

        CheckTrainingFiles(trainFolder, genotype, result);
        CheckEveryFileParses(temp["runs"]);
    }

    private static void CheckTrainingFiles(string folder, Genotype genotype, EvaluationResult result)
    {
        var metrics = MetricsFile.Read(Path.Combine(folder, MetricsFile.FileName));
        Assert.That(metrics.Warnings, Is.Empty);
        Assert.That(metrics.Rows.Select(r => r.Values[MetricsFile.Epoch]), Is.EqualTo(new[] { 1.0, 2.0 }));
        foreach (string key in new[] { MetricsFile.LearningRate, MetricsFile.TrainLoss, MetricsFile.TrainAcc, MetricsFile.TestLoss,
                     MetricsFile.TestAcc, MetricsFile.EpochSeconds, MetricsFile.PipelineWaitMs })
            Assert.That(metrics.Rows.All(r => r.Values.TryGetValue(key, out double v) && double.IsFinite(v)), Is.True, key);
        // Cosine from 0.05 over 2 epochs; drop path ramps 0.2 * epoch / epochs from 0.
        Assert.That(metrics.Series(MetricsFile.LearningRate).Y, Is.EqualTo(new[] { 0.05, 0.025 }).Within(1e-12));
        Assert.That(metrics.Series(EpochMetrics.DropPathKey).Y, Is.EqualTo(new[] { 0, 0.1 }).Within(1e-12));
        Assert.That(metrics.Series(MetricsFile.TestAcc).Y[^1], Is.EqualTo(result.TestAccuracy).Within(1e-12));

        var saved = Genotype.Load(Path.Combine(folder, EvaluationRun.GenotypeFileName));
        Assert.That(saved.Normal.SequenceEqual(genotype.Normal) && saved.Reduce.SequenceEqual(genotype.Reduce), Is.True);
        var checkpoint = SafeTensorsReader.ReadFile(Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName));
        Assert.That(checkpoint.Tensors.Any(t => t.Name.StartsWith(EvaluationCheckpoint.OptimizerPrefix)), Is.True, "a checkpoint holds the optimizer state");
        var weights = SafeTensorsReader.ReadFile(result.WeightsPath);
        Assert.That(weights.Tensors.Any(t => t.Name.StartsWith(EvaluationCheckpoint.OptimizerPrefix)), Is.False, "final weights hold the network only");
        Assert.That(weights.Tensors.Select(t => t.Name), Does.Contain("stem.0.weight").And.Contain("stem.1.running_mean").And.Contain("classifier.weight"));
        Assert.That(weights.Tensors.Any(t => t.Name.StartsWith("cells.0.node0.term0.")), Is.True, "names follow the module structure");
        Assert.That(TrainingRecord.FromMetadata(weights.Metadata, "weights").EpochsCompleted, Is.EqualTo(2));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, EvaluationRun.ResultFileName)));
        Assert.That(doc.RootElement.GetProperty(MetricsFile.TestAcc).GetDouble(), Is.EqualTo(result.TestAccuracy).Within(1e-12));
    }

    /// <summary>Every .json parses, every line of every .jsonl parses, every .safetensors passes the reader's checks.</summary>
    private static void CheckEveryFileParses(string root)
    {
        var files = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        Assert.That(files.Count(f => f.EndsWith(".safetensors")), Is.GreaterThanOrEqualTo(3));
        foreach (string file in files)
        {
            switch (Path.GetExtension(file))
            {
                case ".json":
                    Assert.That(() => JsonDocument.Parse(File.ReadAllText(file)).Dispose(), Throws.Nothing, file);
                    break;
                case ".jsonl":
                    foreach (string line in File.ReadAllLines(file).Where(l => l.Length > 0))
                        Assert.That(() => JsonDocument.Parse(line).Dispose(), Throws.Nothing, file);
                    break;
                case ".safetensors":
                    Assert.That(() => SafeTensorsReader.ReadFile(file), Throws.Nothing, file);
                    break;
            }
        }
    }
}
