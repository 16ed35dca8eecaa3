using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data;
using Parsec.Search.Data.Generated;
using Parsec.Search.Loop;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

/// <summary>The search's weights/pi split: recorded, the same whatever the workers and across a resume, and watched.</summary>
public class SearchSplitTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("parsec-split-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    private static int[] Labels(InMemoryDataset data) => data.AllLabels.ToArray();

    [Test]
    public void TheSplitIsTheSameForOneAndTwoWorkersAndAfterAResume()
    {
        var options = SearchRunTests.Tiny(4) with { CheckpointEvery = 2 };
        var dataset = SearchRunner.LoadDataset(options);
        using var backend = new CpuBackend();
        using var one = new SearchSession(options with { Concurrency = 1 }, backend, dataset);
        using var two = new SearchSession(options with { Concurrency = 2 }, backend, dataset);
        Assert.That(Labels(two.TrainData), Is.EqualTo(Labels(one.TrainData)));
        Assert.That(two.ValidationData.AllImages.SequenceEqual(one.ValidationData.AllImages), Is.True);

        var run = RunFolder.CreateNew(_root, "split", DateTime.Now);
        Assert.That(SearchRunner.Start(options, backend, run, limits: new RunLimits(StopAfterIteration: 2)).Outcome, Is.EqualTo(SearchOutcome.Interrupted));
        var saved = OptionsFile.Read(run.Options);
        using var resumed = new SearchSession(saved with { Concurrency = 2 }, backend, SearchRunner.LoadDataset(saved));
        Assert.That(Labels(resumed.TrainData), Is.EqualTo(Labels(one.TrainData)));
        Assert.That(resumed.ValidationData.AllImages.SequenceEqual(one.ValidationData.AllImages), Is.True);

        // options.json records the rule, its seed and what each part holds.
        var json = JsonNode.Parse(File.ReadAllText(run.Options))!;
        Assert.That(json["split"]!.GetValue<string>(), Is.EqualTo("stratified"));
        Assert.That(json["split_seed"]!.GetValue<ulong>(), Is.EqualTo(0UL));
        var weights = json["split_classes"]!["weights"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        var pi = json["split_classes"]!["pi"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        Assert.That(weights, Is.EqualTo(StratifiedSampling.Histogram(one.TrainData.AllLabels, one.TrainData.Classes)));
        Assert.That(pi.Sum() + weights.Sum(), Is.EqualTo(dataset.Count));
        Assert.That(File.Exists(run.Warnings), Is.False, "a balanced split warns of nothing");
    }

    /// <summary>By default the search sees raw pixels; told so, it sees the pixels `train` sees: standardised by the training set's per-channel mean and std.</summary>
    [Test]
    public void TheSearchStandardisesPixelsAsTrainDoesWhenToldTo()
    {
        var options = SearchRunTests.Tiny(1);
        Assert.That(options.Pixels, Is.EqualTo(SearchPixels.Raw), "the default");
        var dataset = SearchRunner.LoadDataset(options);
        using var backend = new CpuBackend();
        using var normalized = new SearchSession(options with { Pixels = SearchPixels.Normalized }, backend, dataset);
        var all = normalized.TrainData.AllImages.ToArray().Concat(normalized.ValidationData.AllImages.ToArray()).Select(v => (double)v).ToList();
        double mean = all.Average();
        Assert.That(mean, Is.EqualTo(0).Within(1e-5));
        Assert.That(Math.Sqrt(all.Average(v => (v - mean) * (v - mean))), Is.EqualTo(1).Within(1e-3));

        using var raw = new SearchSession(options with { Pixels = SearchPixels.Raw }, backend, dataset);
        Assert.That(raw.TrainData.AllImages.ToArray(), Has.All.InRange(0f, 1f));
        Assert.That(Labels(raw.TrainData), Is.EqualTo(Labels(normalized.TrainData)), "the same split either way");
    }

    [Test]
    public void AClassMissingFromOnePartIsNamed()
    {
        var classes = new SplitClasses(["cat", "dog", "owl"], [3, 0, 2], [3, 2, 0]);
        Assert.That(classes.MissingClassesWarning(), Does.Contain("weights' part has no image of class dog").And.Contain("pi's part has no image of class owl"));
        Assert.That(new SplitClasses(["cat", "dog"], [1, 1], [1, 1]).MissingClassesWarning(), Is.Null);
    }

    [Test]
    public void ASearchOnAStoredOrderSplitOfAClassSortedImageFolderWarnsAndWritesWarningsTxt()
    {
        // An image folder of textures, which lists its images class by class, split the old way (stored order):
        // the weights see the first half of the classes and pi the second.
        var textures = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: 80, ImageSize: 8));
        foreach (string part in new[] { "train", "test" })
            for (int i = 0; i < textures.Count; i++)
            {
                using var image = new SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>(8, 8);
                var pixels = textures.Image(i);
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++)
                    {
                        byte v = (byte)Math.Round(255 * pixels[y * 8 + x]);
                        image[x, y] = new SixLabors.ImageSharp.PixelFormats.Rgb24(v, v, v);
                    }
                string folder = Path.Combine(_root, "folder", part, $"class{textures.Label(i)}");
                Directory.CreateDirectory(folder);
                SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, Path.Combine(folder, $"{i:000}.png"));
            }
        var options = SearchRunTests.Tiny(2) with
        {
            Dataset = new Parsec.Search.Data.Files.DatasetSpec("image-folder", Path.Combine(_root, "folder"), ImageSize: 8),
            Split = Parsec.Search.Data.Files.SubsetRule.First,
        };
        var run = RunFolder.CreateNew(_root, "sorted", DateTime.Now);
        SearchResult result;
        using (var backend = new CpuBackend()) result = SearchRunner.Start(options, backend, run);

        string expected = "the weights' part has no image of class class5, class6, class7, class8, class9 and pi's part has no image of class class0, class1, class2, class3, class4";
        Assert.That(result.Warnings, Has.Some.Contains(expected));
        Assert.That(File.ReadAllText(run.Warnings), Does.Contain(expected));

        // The same folder with the default (stratified) split holds every class on both sides.
        var stratified = RunFolder.CreateNew(_root, "stratified", DateTime.Now);
        using (var backend = new CpuBackend()) result = SearchRunner.Start(options with { Split = Parsec.Search.Data.Files.SubsetRule.Stratified }, backend, stratified);
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(File.Exists(stratified.Warnings), Is.False);
    }

    [Test]
    public void PiNearChanceWhileTrainingClimbsIsWarnedOnceAfterAFullWindow()
    {
        var health = new SearchHealth(classes: 10);
        IterationMetrics Metrics(int i, double train, double? val) => new()
        {
            Iteration = i, Epoch = 0, Warmup = val is null, LearningRate = 0.1, TrainLoss = 1, TrainAccuracy = train, ValLoss = val is null ? null : 5,
            ValAccuracy = val, WeightEntropy = 1, ValWeightEntropy = null, ValEffectiveSamples = null, ValOmega = null, PiEntropy = 40, GradientNorm = 1,
            SamplesPerSecond = 1, StepMilliseconds = 1, MemoryMib = 1,
        };
        // Warm-up iterations have no validation accuracy and are not judged.
        for (int i = 1; i <= 50; i++) Assert.That(health.Observe(Metrics(i, 0.8, null)), Is.Null);
        // A healthy pi phase: validation follows training.
        for (int i = 51; i <= 80; i++) Assert.That(health.Observe(Metrics(i, 0.8, 0.7)), Is.Null);
        var warnings = Enumerable.Range(81, 40).Select(i => health.Observe(Metrics(i, 0.8, 0.01))).Where(w => w is not null).ToList();
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("training accuracy is 80.0 %").And.Contain("(chance 10.0 %)"));

        var learning = new SearchHealth(classes: 10);
        // Both near chance early in a search is not the pattern: the weights have not learned yet.
        Assert.That(Enumerable.Range(1, 40).Select(i => learning.Observe(Metrics(i, 0.15, 0.1))), Is.All.Null);
    }
}
