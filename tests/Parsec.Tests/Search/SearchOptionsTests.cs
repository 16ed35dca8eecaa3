using NUnit.Framework;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

public class SearchOptionsTests
{
    /// <summary>
    /// The automatic prior step size follows the number of pi updates, so that pi can travel as far in a short
    /// search as in a long one: 6 / updates, which is DARTS' 3e-4 at the paper's 50 CIFAR-10 epochs of 390
    /// iterations, 0.04 for a 300-iteration search with half of it warm-up, and never above 0.1.
    /// </summary>
    [Test]
    public void TheAutomaticPriorStepSizeFollowsTheNumberOfPiUpdates()
    {
        var paper = new SearchOptions { WarmupFraction = 0 }.Resolved(iterationsPerEpoch: 390, imageSide: 32, priorImages: 25_000);
        Assert.That(paper.Iterations, Is.EqualTo(19_500));
        Assert.That(paper.PriorLearningRate, Is.EqualTo(6.0 / 19_500).Within(1e-15));
        Assert.That(paper.PriorLearningRate, Is.EqualTo(3e-4).Within(0.1e-4));

        var small = new SearchOptions { Iterations = 300 }.Resolved(iterationsPerEpoch: 62, imageSide: 28, priorImages: 4_000);
        Assert.That(small.PriorLearningRate, Is.EqualTo(0.04).Within(1e-15));
        Assert.That(small.Epochs, Is.EqualTo(5), "300 iterations of 62 span 5 epochs: what the cosine schedule used");
        Assert.That(small.Dataset.ImageSize, Is.EqualTo(28), "the size of the images actually read");
        Assert.That(small.LikelihoodScale, Is.EqualTo(1.0 / 64), "the per-example mean at the default batch of 64");

        var tiny = new SearchOptions { Iterations = 12 }.Resolved(iterationsPerEpoch: 8, imageSide: 8, priorImages: 512);
        Assert.That(tiny.PriorLearningRate, Is.EqualTo(SearchOptions.AutoPriorLearningRateCap));
        var given = new SearchOptions { Iterations = 12, PriorLearningRate = 0.5, LikelihoodScale = 1 }.Resolved(8, 8, priorImages: 512);
        Assert.That((given.PriorLearningRate, given.LikelihoodScale), Is.EqualTo((0.5, 1.0)), "values the user gave are kept");
        Assert.That(given.Resolved(8, 8, priorImages: 16), Is.EqualTo(given), "resolving is idempotent, so a resumed run resolves to the same options");
    }

    /// <summary>
    /// The automatic warm-up is half the iterations while pi's updates then pass over pi's part at most 3 times, and takes
    /// the updates beyond that otherwise: 1,000 images in batches of 32 are 31 full batches, so 300 iterations keep 93 pi
    /// updates and warm up for 207. The fraction floors to the warm-up exactly, the prior's step follows the updates that
    /// are left, a given --warmup is kept, and resolving again (a resume) changes nothing.
    /// </summary>
    [TestCase(2_000, 150, 150)] // Fashion-MNIST's study: 62 batches a pass, 150 updates are 2.4 passes
    [TestCase(1_000, 207, 93)] // the class-sorted folder's 2,000 images, halved
    [TestCase(500, 255, 45)]   // textures with 1,000 images, halved
    [TestCase(100, 291, 9)]    // 3 full batches
    public void TheAutomaticWarmupCapsThePassesOverPisPart(int priorImages, int warmup, int priorUpdates)
    {
        var options = new SearchOptions { Iterations = 300, BatchSize = 32 }.Resolved(iterationsPerEpoch: 31, imageSide: 28, priorImages);
        Assert.That(options.WarmupIterations(300), Is.EqualTo(warmup));
        Assert.That(300 - options.WarmupIterations(300), Is.EqualTo(priorUpdates));
        Assert.That(options.PriorLearningRate, Is.EqualTo(Math.Min(SearchOptions.AutoPriorLearningRateCap, SearchOptions.AutoPriorTravel / priorUpdates)).Within(1e-15));
        if (warmup == 150) Assert.That(options.WarmupFraction, Is.EqualTo(SearchOptions.DefaultWarmupFraction), "a large part keeps the half that options.json always held");
        Assert.That(options.Resolved(31, 28, priorImages: 1), Is.EqualTo(options), "resolved options keep their warm-up whatever part they meet");

        var given = new SearchOptions { Iterations = 300, BatchSize = 32, WarmupFraction = 0.25 }.Resolved(31, 28, priorImages);
        Assert.That(given.WarmupIterations(300), Is.EqualTo(75), "--warmup given is kept");
    }

    [Test]
    public void UnresolvedOptionsHaveNoWarmupYet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SearchOptions { Iterations = 300 }.WarmupIterations(300));
        Assert.That(error!.Message, Does.Contain("resolve the options first"));
    }

    /// <summary>An automatic warm-up may differ from half, so the first progress line says how long it is.</summary>
    [Test]
    public void TheFirstProgressLineSaysTheWarmup()
    {
        Assert.That(ISearchProgress.StartLine(0, 300, 207), Is.EqualTo("300 iterations, 207 of them warm-up"));
        Assert.That(ISearchProgress.StartLine(100, 300, 150), Is.EqualTo("300 iterations, 150 of them warm-up, resuming after 100"));
        Assert.That(ISearchProgress.StartLine(0, 100, 0), Is.EqualTo("100 iterations"), "DARTS has no warm-up");
        Assert.That(ISearchProgress.StartLine(0, 100, 100), Is.EqualTo("100 iterations"), "random search with weight sharing is all warm-up");
    }
}
