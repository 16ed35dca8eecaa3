using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Pipeline;

namespace Parsec.Tests.Data;

[TestFixture]
public class BatchPipelineTests
{
    /// <summary>N images of 1x4x4 whose pixels all equal the image index / 100, label = index mod 3.</summary>
    private static InMemoryDataset Indexed(int n)
    {
        var pixels = new float[n * 16];
        for (int i = 0; i < n; i++) pixels.AsSpan(i * 16, 16).Fill(i / 100f);
        return new InMemoryDataset("indexed", pixels, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 1, 4, 4, 3);
    }

    private static List<(float[] Images, int[] Labels)> ReadEpoch(BatchLoader loader)
    {
        var batches = new List<(float[], int[])>();
        using var stream = loader.StartEpoch();
        while (stream.TryNext(out var batch))
            using (batch) batches.Add(((float[])batch.Images.Clone(), batch.Labels));
        return batches;
    }

    private static BatchLoader Loader(InMemoryDataset data, ulong seed, int workers = 1, AugmentationOptions? augmentation = null, bool shuffle = true) =>
        new(data, ChannelNormalization.Identity(1),
            new BatchLoaderOptions(4, shuffle, DropLast: false, augmentation, Prefetch: 2, Workers: workers), new Rng(seed));

    [Test]
    public void AnEpochVisitsEveryExampleOnceWithItsLabel()
    {
        var data = Indexed(10);
        var batches = ReadEpoch(Loader(data, 1));
        Assert.That(batches.Select(b => b.Labels.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        var seen = batches.SelectMany(b => Enumerable.Range(0, b.Labels.Length).Select(i => (int)Math.Round(b.Images[i * 16] * 100))).ToList();
        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(seen, Is.Not.EqualTo(Enumerable.Range(0, 10)), "training order is shuffled");
        foreach (var (images, labels) in batches)
            for (int i = 0; i < labels.Length; i++)
                Assert.That(labels[i], Is.EqualTo((int)Math.Round(images[i * 16] * 100) % 3));
    }

    [Test]
    public void EvaluationOrderIsTheDatasetOrder()
    {
        var batches = ReadEpoch(Loader(Indexed(6), 1, shuffle: false));
        Assert.That(batches.SelectMany(b => b.Labels), Is.EqualTo(new[] { 0, 1, 2, 0, 1, 2 }));
    }

    [Test]
    public void SameSeedSameBatchesWhateverTheNumberOfWorkers()
    {
        var data = Indexed(37);
        var augmentation = new AugmentationOptions(CropPadding: 1, HorizontalFlip: true, CutoutSize: 2);
        var one = Loader(data, 5, workers: 1, augmentation);
        var three = Loader(data, 5, workers: 3, augmentation);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var a = ReadEpoch(one);
            var b = ReadEpoch(three);
            Assert.That(b.Select(x => x.Images), Is.EqualTo(a.Select(x => x.Images)), $"epoch {epoch} images");
            Assert.That(b.Select(x => x.Labels), Is.EqualTo(a.Select(x => x.Labels)), $"epoch {epoch} labels");
        }
        Assert.That(ReadEpoch(Loader(data, 6, 1, augmentation)).Select(x => x.Labels), Is.Not.EqualTo(ReadEpoch(Loader(data, 5, 1, augmentation)).Select(x => x.Labels)));
    }

    [Test]
    public void RestoringTheGeneratorStateResumesTheSameSequence()
    {
        var data = Indexed(12);
        var augmentation = new AugmentationOptions(1, true, 2);
        var uninterrupted = Loader(data, 9, augmentation: augmentation);
        ReadEpoch(uninterrupted);
        var saved = uninterrupted.RngState;
        var expected = ReadEpoch(uninterrupted);

        var resumed = Loader(data, 12345, augmentation: augmentation);
        resumed.RngState = saved;
        var actual = ReadEpoch(resumed);
        Assert.That(actual.Select(x => x.Images), Is.EqualTo(expected.Select(x => x.Images)));
    }

    [Test]
    public void AnEpochPreparedEarlyIsTheSameEpochAndLeavesTheSavedStateAlone()
    {
        var data = Indexed(12);
        var augmentation = new AugmentationOptions(1, true, 2);
        var plain = Loader(data, 4, augmentation: augmentation);
        var first = ReadEpoch(plain);
        var second = ReadEpoch(plain);

        using var early = Loader(data, 4, augmentation: augmentation);
        var start = early.RngState;
        early.PrepareNextEpoch();
        Assert.That(early.RngState, Is.EqualTo(start), "an epoch prepared early is not yet drawn");
        Assert.That(ReadEpoch(early).Select(x => x.Images), Is.EqualTo(first.Select(x => x.Images)));

        early.PrepareNextEpoch();
        var saved = early.RngState;
        using var resumed = Loader(data, 99, augmentation: augmentation);
        resumed.RngState = saved;
        Assert.That(ReadEpoch(resumed).Select(x => x.Images), Is.EqualTo(second.Select(x => x.Images)), "a checkpoint taken meanwhile resumes correctly");
        Assert.That(ReadEpoch(early).Select(x => x.Images), Is.EqualTo(second.Select(x => x.Images)));
    }

    [Test]
    public void AnEpochPreparedEarlyHasItsFirstBatchReady()
    {
        using var loader = Loader(Indexed(40), 2);
        loader.PrepareNextEpoch();
        Thread.Sleep(200); // the caller's other work, e.g. a test pass
        using var stream = loader.StartEpoch();
        Assert.That(stream.TryNext(out var batch), Is.True);
        batch!.Dispose();
        Assert.That(stream.Stats.FirstBatchWaitTime, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void AFastPipelineNeverMakesASlowConsumerWait()
    {
        var loader = Loader(Indexed(40), 2);
        using var stream = loader.StartEpoch();
        while (stream.TryNext(out var batch))
        {
            using (batch) Thread.Sleep(20); // a "training step" far slower than preparing 4 tiny images
        }
        Assert.That(stream.Stats.Batches, Is.EqualTo(10));
        Assert.That(stream.Stats.Waits, Is.EqualTo(0), stream.Stats.ToString());
        Assert.That(loader.TotalStats.Batches, Is.EqualTo(10));
    }

    [Test]
    public void WaitsAreCountedWhenTheConsumerOutrunsThePipeline()
    {
        // 64x64 images with every augmentation: preparing a batch costs far more than taking it.
        var pixels = new float[200 * 3 * 64 * 64];
        var data = new InMemoryDataset("big", pixels, new int[200], 3, 64, 64, 1);
        var loader = new BatchLoader(data, ChannelNormalization.Identity(3),
            new BatchLoaderOptions(50, true, false, new AugmentationOptions(), Prefetch: 1, Workers: 1), new Rng(1));
        using var stream = loader.StartEpoch();
        while (stream.TryNext(out var batch)) batch.Dispose();
        Assert.That(stream.Stats.Batches, Is.EqualTo(4));
        Assert.That(stream.Stats.Waits + (stream.Stats.FirstBatchWaitTime > TimeSpan.Zero ? 1 : 0), Is.GreaterThan(0), stream.Stats.ToString());
    }

    [Test]
    public void DisposingMidEpochStopsTheWorkers()
    {
        var loader = Loader(Indexed(400), 3, workers: 2);
        var stream = loader.StartEpoch();
        Assert.That(stream.TryNext(out var first), Is.True);
        first!.Dispose();
        Assert.That(() => stream.Dispose(), Throws.Nothing);
        Assert.That(stream.BatchCount, Is.EqualTo(100));
    }

    [Test]
    public void BatchesBecomeTensors()
    {
        using var backend = new Parsec.Autodiff.Cpu.CpuBackend();
        using var stream = Loader(Indexed(5), 1).StartEpoch();
        Assert.That(stream.TryNext(out var batch), Is.True);
        using (batch)
        {
            using var images = batch!.ImagesTensor(backend);
            using var labels = batch.LabelsTensor(backend);
            Assert.That(images.Shape, Is.EqualTo(new[] { 4, 1, 4, 4 }));
            Assert.That(labels.ToIntArray(), Is.EqualTo(batch.Labels));
        }
    }
}
