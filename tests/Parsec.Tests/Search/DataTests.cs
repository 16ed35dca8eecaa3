using Parsec.Search.Data.Pipeline;
using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Generated;

namespace Parsec.Tests.Search;

public class DataTests
{
    [Test]
    public void GeneratedDatasetsAreDeterministicBalancedAndInRange()
    {
        foreach (var generate in new Func<GeneratedDatasetOptions, InMemoryDataset>[] { OrientedTextures.Generate, DistantPairs.Generate })
        {
            var options = new GeneratedDatasetOptions(Count: 60, ImageSize: 8, Seed: 3);
            var a = generate(options);
            var b = generate(options);
            var c = generate(options with { Seed = 4 });
            Assert.That(a.AllImages.SequenceEqual(b.AllImages) && a.AllLabels.SequenceEqual(b.AllLabels), Is.True, $"{a.Name}: same seed, same data");
            Assert.That(a.AllImages.SequenceEqual(c.AllImages), Is.False, $"{a.Name}: another seed, other data");
            Assert.That(a.AllImages.ToArray().All(v => v is >= 0 and <= 1), Is.True);
            var perClass = Enumerable.Range(0, a.Classes).Select(k => a.AllLabels.ToArray().Count(l => l == k)).ToArray();
            Assert.That(perClass.Max() - perClass.Min(), Is.LessThanOrEqualTo(1), $"{a.Name}: balanced classes");
        }
    }

    [Test]
    public void DatasetSplitAndSubsetKeepImagesWithTheirLabels()
    {
        var data = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: 20, ImageSize: 8));
        var (first, second) = data.Split(0.5);
        Assert.That(first.Count + second.Count, Is.EqualTo(20));
        Assert.That(second.Image(0).SequenceEqual(data.Image(10)) && second.Label(0) == data.Label(10), Is.True);
        Assert.That(() => new InMemoryDataset("bad", new float[10], [0, 5], 1, 1, 5, 3), Throws.ArgumentException.With.Message.Contains("label 5 of image 1"));
    }

    [Test]
    public void BatchSamplerIsDeterministicCoversEachEpochAndResumesFromItsState()
    {
        var sampler = new BatchSampler(10, 3, new Rng(1));
        Assert.That(sampler.BatchesPerEpoch, Is.EqualTo(3));
        var epoch = Enumerable.Range(0, 3).SelectMany(_ => sampler.Next()).ToList();
        Assert.That(epoch.Distinct().Count(), Is.EqualTo(9), "one epoch draws distinct items (the tenth is dropped with the partial batch)");
        sampler.Next();
        var saved = sampler.State;
        var expected = Enumerable.Range(0, 7).Select(_ => sampler.Next()).ToList();

        var restored = new BatchSampler(10, 3, new Rng(99)) { State = saved };
        Assert.That(Enumerable.Range(0, 7).Select(_ => restored.Next()).ToList(), Is.EqualTo(expected));
        Assert.That(restored.Epoch, Is.EqualTo(3));
        Assert.That(() => new BatchSampler(2, 3, new Rng(1)), Throws.TypeOf<BadInputException>().With.Message.Contains("make no full batch of 3"));
    }

    /// <summary>
    /// One pipeline: the search's sampler reads, epoch after epoch, exactly the batches of the training's
    /// <see cref="BatchSchedule"/> made with the same generator (shuffled, last partial batch dropped, no augmentation
    /// seeds), and the search's batch accuracy is the training tally's top-1, ties included.
    /// </summary>
    [Test]
    public void TheSearchAndTrainingCutTheSameBatchesAndCountAccuracyAlike()
    {
        var sampler = new BatchSampler(10, 3, new Rng(5));
        var scheduleRng = new Rng(5);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var schedule = BatchSchedule.Create(10, 3, shuffle: true, dropLast: true, scheduleRng, seeded: false);
            for (int b = 0; b < schedule.BatchCount; b++)
                Assert.That(sampler.Next(), Is.EqualTo(schedule.Examples(b).ToArray()), $"epoch {epoch}, batch {b}");
        }

        var data = new InMemoryDataset("three", new float[3], [0, 1, 2], 1, 1, 1, 3);
        var batch = new HostBatch(data, [0, 1, 2]);
        // Row 0 is right; row 1 ties classes 0 and 1 (the tie goes to class 0, wrong for label 1); row 2 is wrong.
        float[] logits = [5, 1, 0, 2, 2, 0, 3, 0, 1];
        var tally = new ClassificationTally(3, topK: 1);
        tally.Add(logits, [0, 1, 2], meanLoss: 0);
        Assert.That(batch.Accuracy(logits), Is.EqualTo(1.0 / 3).And.EqualTo(tally.Top1Accuracy));
    }
}
