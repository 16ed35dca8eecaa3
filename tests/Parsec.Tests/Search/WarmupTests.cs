using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Generated;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class WarmupTests
{
    /// <summary>
    /// A search whose first half is the warm-up: during it pi's logits stay exactly where they started, the
    /// pi half is not evaluated, every sample counts equally in the weight gradient (omega entropy log K), and
    /// the sampled operations and input pairs are uniform (chi-square over all op blocks, and over node 3's
    /// input pairs); after it pi moves.
    /// </summary>
    [Test]
    public void DuringTheWarmupPiIsFrozenAndArchitecturesAreUniform()
    {
        var data = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: 96, ImageSize: 8, Seed: 3));
        var options = new SearchOptions
        {
            Channels = 4, Layers = 3, BatchSize = 8, Samples = 8, Iterations = 60, WarmupFraction = 0.5,
            PriorLearningRate = 0.1, Seed = 2,
        };
        using var backend = new CpuBackend();
        using var session = new SearchSession(options, backend, data);
        Assert.That(session.WarmupIterations, Is.EqualTo(30));
        var start = (double[])session.Prior.Logits.Clone();
        var sampled = new List<Architecture>();
        while (session.InWarmup)
        {
            var metrics = session.Step();
            Assert.That(metrics.Warmup, Is.True);
            Assert.That(session.Prior.Logits, Is.EqualTo(start), $"pi moved in warm-up iteration {metrics.Iteration}");
            Assert.That(metrics.ValAccuracy, Is.Null, "the warm-up does not evaluate the pi half");
            Assert.That(metrics.WeightEntropy, Is.EqualTo(Math.Log(options.Samples)).Within(1e-12), "equal weights");
            sampled.AddRange(session.LastArchitectures);
        }

        var ops = sampled.SelectMany(a => a.Normal.Concat(a.Reduce)).Select(t => t.Op).ToList();
        Statistics.AssertChiSquare(ops, Enumerable.Repeat(1.0 / SearchSpace.Darts.Ops.Count, SearchSpace.Darts.Ops.Count).ToArray(), "operations");
        // Node 3 reads two distinct inputs of 5: 20 ordered pairs, each equally likely.
        var pairs = (from a in Enumerable.Range(0, 5) from b in Enumerable.Range(0, 5) where a != b select (a, b)).ToList();
        var observed = sampled.SelectMany(a => new[] { a.Normal, a.Reduce }).Select(c => pairs.IndexOf((c[6].Input, c[7].Input))).ToList();
        Assert.That(observed, Does.Not.Contain(-1), "the two inputs of a node differ");
        Statistics.AssertChiSquare(observed, Enumerable.Repeat(1.0 / pairs.Count, pairs.Count).ToArray(), "node 3 input pairs");

        var after = session.Step();
        Assert.That(after.Warmup, Is.False);
        Assert.That(after.ValAccuracy, Is.Not.Null);
        Assert.That(session.Prior.Logits, Is.Not.EqualTo(start), "pi moves once the warm-up is over");
    }

    /// <summary>
    /// The small-data default on a generated set of 1,000 images (the demo's: textures at 8x8, batch 32, 300 iterations):
    /// pi's half holds 500 images, 15 full batches, so pi gets 45 updates (3 passes) and the warm-up the other 255; the
    /// session records the fraction it resolved, and the same search on 4,000 images keeps the half warm-up.
    /// </summary>
    [TestCase(1_000, 255)]
    [TestCase(4_000, 150)]
    public void ASmallDatasetGetsALongerWarmup(int images, int warmup)
    {
        var data = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: images, ImageSize: 8, Seed: 3));
        var options = new SearchOptions { Channels = 4, Layers = 3, BatchSize = 32, Samples = 4, WeightSamples = 2, Iterations = 300, Seed = 2 };
        using var backend = new CpuBackend();
        using var session = new SearchSession(options, backend, data);
        Assert.That(session.ValidationData.Count, Is.EqualTo(images / 2));
        Assert.That(session.WarmupIterations, Is.EqualTo(warmup));
        Assert.That(session.Options.WarmupIterations(300), Is.EqualTo(warmup), "options.json's fraction floors to the same warm-up");
        Assert.That(session.Options.PriorLearningRate, Is.EqualTo(Math.Min(SearchOptions.AutoPriorLearningRateCap, SearchOptions.AutoPriorTravel / (300 - warmup))));
    }
}
