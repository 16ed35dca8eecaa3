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
        var paper = new SearchOptions { WarmupFraction = 0 }.Resolved(iterationsPerEpoch: 390, imageSide: 32);
        Assert.That(paper.Iterations, Is.EqualTo(19_500));
        Assert.That(paper.PriorLearningRate, Is.EqualTo(6.0 / 19_500).Within(1e-15));
        Assert.That(paper.PriorLearningRate, Is.EqualTo(3e-4).Within(0.1e-4));

        var small = new SearchOptions { Iterations = 300 }.Resolved(iterationsPerEpoch: 62, imageSide: 28);
        Assert.That(small.PriorLearningRate, Is.EqualTo(0.04).Within(1e-15));
        Assert.That(small.Epochs, Is.EqualTo(5), "300 iterations of 62 span 5 epochs: what the cosine schedule used");
        Assert.That(small.Dataset.ImageSize, Is.EqualTo(28), "the size of the images actually read");
        Assert.That(small.LikelihoodScale, Is.EqualTo(1.0 / 64), "the per-example mean at the default batch of 64");

        var tiny = new SearchOptions { Iterations = 12 }.Resolved(iterationsPerEpoch: 8, imageSide: 8);
        Assert.That(tiny.PriorLearningRate, Is.EqualTo(SearchOptions.AutoPriorLearningRateCap));
        var given = new SearchOptions { Iterations = 12, PriorLearningRate = 0.5, LikelihoodScale = 1 }.Resolved(8, 8);
        Assert.That((given.PriorLearningRate, given.LikelihoodScale), Is.EqualTo((0.5, 1.0)), "values the user gave are kept");
        Assert.That(given.Resolved(8, 8), Is.EqualTo(given), "resolving is idempotent, so a resumed run resolves to the same options");
    }
}
