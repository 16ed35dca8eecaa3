using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Files;
using Parsec.Search.Data.Generated;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

/// <summary>--augment dataset: the weights' batches are crops and flips of the stored images, drawn per iteration, and a search with it resumes bit for bit.</summary>
public class SearchAugmentTests
{
    [Test]
    public void EachImageBecomesOneOfTheDatasetsCropsAndFlipsDrawnAgainForTheSameIteration()
    {
        var data = DistantPairs.Generate(new GeneratedDatasetOptions(Count: 16, ImageSize: 16, Seed: 2));
        var options = new SearchOptions { Dataset = new DatasetSpec(DistantPairs.Name, ImageSize: 16), Augment = SearchAugment.Dataset };
        var augmenter = WeightBatchAugmenter.For(options, data, seed: 11)!;
        Assert.That(augmenter.Augmentation, Is.EqualTo(new AugmentationOptions(CropPadding: 2, HorizontalFlip: true, CutoutSize: 0)),
            "the crops and flips train gives distant-pairs at 16x16, without cutout");
        Assert.That(WeightBatchAugmenter.For(options with { Augment = SearchAugment.None }, data, seed: 11), Is.Null);

        int[] indices = Enumerable.Range(0, data.Count).ToArray();
        HostBatch Augmented(int iteration)
        {
            var batch = new HostBatch(data, indices);
            augmenter.Apply(batch, iteration);
            return batch;
        }
        var stored = new HostBatch(data, indices);
        var third = Augmented(3);
        Assert.That(Augmented(3).Images, Is.EqualTo(third.Images), "the same iteration draws the same crops and flips");
        Assert.That(Augmented(4).Images, Is.Not.EqualTo(third.Images), "another iteration draws others");
        Assert.That(third.Labels, Is.EqualTo(stored.Labels));

        // Every augmented image is exactly one of the 5 x 5 x 2 windows and flips of its stored image, and not all are the identity.
        var unchanged = ChannelNormalization.Identity(data.Channels);
        var draws = (from dy in Enumerable.Range(-2, 5) from dx in Enumerable.Range(-2, 5) from flip in new[] { false, true }
                     select new ImageAugmenter.Draw(dy, dx, flip, -1, -1)).ToList();
        int identities = 0;
        var candidate = new float[data.ImageLength];
        for (int i = 0; i < data.Count; i++)
        {
            var image = third.Images.AsSpan(i * data.ImageLength, data.ImageLength).ToArray();
            var matches = draws.Where(draw =>
            {
                ImageAugmenter.Apply(data.Image(i), candidate, data.Channels, data.Height, data.Width, unchanged, draw, cutoutSize: 0);
                return candidate.AsSpan().SequenceEqual(image);
            }).ToList();
            Assert.That(matches, Is.Not.Empty, $"image {i} is no crop or flip of the stored image");
            if (matches.Contains(new ImageAugmenter.Draw(0, 0, false, -1, -1))) identities++;
        }
        Assert.That(identities, Is.LessThan(data.Count / 2), "most images are moved or flipped");
    }

    [Test]
    public void ASearchWithAugmentedWeightBatchesResumesBitwiseAndDiffersFromOneWithout()
    {
        var root = Directory.CreateTempSubdirectory("parsec-augment-").FullName;
        try
        {
            var options = SearchRunTests.Tiny(12) with { Augment = SearchAugment.Dataset, CheckpointEvery = 100, WarmupFraction = 0.5 };
            RunFolder Run(string name, SearchOptions o, int? stopAfter = null)
            {
                var run = RunFolder.CreateNew(root, name, DateTime.Now);
                using var backend = new CpuBackend();
                var outcome = SearchRunner.Start(o, backend, run, limits: stopAfter is { } n ? new RunLimits(StopAfterIteration: n) : null).Outcome;
                Assert.That(outcome, Is.EqualTo(stopAfter is null ? SearchOutcome.Completed : SearchOutcome.Interrupted));
                return run;
            }
            var whole = Run("whole", options);
            var split = Run("split", options, stopAfter: 5);
            using (var backend = new CpuBackend()) Assert.That(SearchRunner.Resume(RunFolder.OpenExisting(split.Path), backend).Outcome, Is.EqualTo(SearchOutcome.Completed));
            var plain = Run("plain", options with { Augment = SearchAugment.None });

            Assert.That(PriorJson.Load(split.Pi).Logits, Is.EqualTo(PriorJson.Load(whole.Pi).Logits), "pi differs after the resume");
            Assert.That(OptionsFile.Read(split.Options).Augment, Is.EqualTo(SearchAugment.Dataset), "the resume kept --augment");
            var trainLoss = (RunFolder run) => MetricsFile.Read(run.Metrics).Rows.Select(r => r.TryGet(MetricsFile.TrainLoss, out double l) ? l : double.NaN).ToArray();
            Assert.That(trainLoss(split), Is.EqualTo(trainLoss(whole)));
            Assert.That(trainLoss(plain)[0], Is.Not.EqualTo(trainLoss(whole)[0]), "the first weight batch is augmented");
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Test]
    public void OptionsWrittenBeforeAugmentExistedReadAsNone()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("parsec-augment-options-").FullName, "options.json");
        try
        {
            OptionsFile.Write(path, new SearchOptions { Augment = SearchAugment.Dataset }.Resolved(100, 8, priorImages: 6_400), "cpu", Parsec.Autodiff.Precision.Fp32);
            Assert.That(OptionsFile.Read(path).Augment, Is.EqualTo(SearchAugment.Dataset));
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.That(node.Remove("augment"), Is.True, "options.json records --augment");
            File.WriteAllText(path, node.ToJsonString());
            Assert.That(OptionsFile.Read(path).Augment, Is.EqualTo(SearchAugment.None));
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, recursive: true); }
    }
}
