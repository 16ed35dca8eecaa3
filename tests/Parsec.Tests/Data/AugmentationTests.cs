using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Data.Pipeline;

namespace Parsec.Tests.Data;

[TestFixture]
public class AugmentationTests
{
    private const int C = 3, H = 32, W = 32, Plane = H * W;

    /// <summary>Pixel values that encode their position, in (0, 1]: value = (1 + c*Plane + y*W + x) / (3*Plane).</summary>
    private static float[] Ramp()
    {
        var image = new float[C * Plane];
        for (int i = 0; i < image.Length; i++) image[i] = (i + 1f) / image.Length;
        return image;
    }

    private static readonly ChannelNormalization Identity = ChannelNormalization.Identity(C);

    [Test]
    public void NormalisationIsPerChannel()
    {
        var norm = new ChannelNormalization([0.5f, 0.25f, 0f], [0.5f, 0.25f, 2f]);
        var output = new float[C * Plane];
        ImageAugmenter.Normalize(Enumerable.Repeat(1f, C * Plane).ToArray(), output, C, H, W, norm);
        Assert.That(output[0], Is.EqualTo(1f));
        Assert.That(output[Plane], Is.EqualTo(3f));
        Assert.That(output[2 * Plane + 7], Is.EqualTo(0.5f));
    }

    [Test]
    public void CropShiftsTheImageAndFillsWithNormalisedZeros()
    {
        var source = Ramp();
        var output = new float[source.Length];
        var norm = new ChannelNormalization([0.1f, 0.2f, 0.3f], [1f, 1f, 1f]);
        // Window starting 2 rows down and 3 columns left of the original: output(y, x) = source(y + 2, x - 3).
        ImageAugmenter.Apply(source, output, C, H, W, norm, new ImageAugmenter.Draw(2, -3, false, -1, -1), 0);
        Assert.That(output[1 * Plane + 5 * W + 10], Is.EqualTo(source[1 * Plane + 7 * W + 7] - 0.2f));
        Assert.That(output[1 * Plane + 5 * W + 2], Is.EqualTo(-0.2f), "left of the image: zero padding, normalised");
        Assert.That(output[2 * Plane + 31 * W + 10], Is.EqualTo(-0.3f), "below the image");
    }

    [Test]
    public void FlipMirrorsColumns()
    {
        var source = Ramp();
        var output = new float[source.Length];
        ImageAugmenter.Apply(source, output, C, H, W, Identity, new ImageAugmenter.Draw(0, 0, true, -1, -1), 0);
        Assert.That(output[4 * W + 0], Is.EqualTo(source[4 * W + 31]));
        Assert.That(output[2 * Plane + 9 * W + 30], Is.EqualTo(source[2 * Plane + 9 * W + 1]));
    }

    [TestCase(16, 16, 16 * 16)]
    [TestCase(0, 0, 8 * 8)]
    [TestCase(31, 20, 9 * 16)]
    public void CutoutZeroesTheClippedSquareOnEveryChannel(int cy, int cx, int expectedArea)
    {
        var source = Ramp();
        var output = new float[source.Length];
        ImageAugmenter.Apply(source, output, C, H, W, Identity, new ImageAugmenter.Draw(0, 0, false, cy, cx), 16);
        for (int c = 0; c < C; c++)
        {
            int zeros = output.Skip(c * Plane).Take(Plane).Count(v => v == 0f);
            Assert.That(zeros, Is.EqualTo(expectedArea), $"channel {c}");
        }
        Assert.That(output[Math.Max(cy - 8, 0) * W + Math.Max(cx - 8, 0)], Is.EqualTo(0f));
    }

    [Test]
    public void AugmentationIsDeterministicUnderASeedAndKeepsValuesInRange()
    {
        var source = Ramp();
        var options = new AugmentationOptions();
        float[] Run(ulong seed)
        {
            var output = new float[source.Length];
            ImageAugmenter.Augment(source, output, C, H, W, Identity, options, new Rng(seed));
            return output;
        }
        var a = Run(7);
        Assert.That(Run(7), Is.EqualTo(a));
        Assert.That(Enumerable.Range(1, 5).Any(s => !Run((ulong)s).SequenceEqual(a)), Is.True, "different seeds must give different images");
        // Every output is either a source pixel or zero (padding or cutout).
        var values = new HashSet<float>(source) { 0f };
        Assert.That(a.All(values.Contains), Is.True);
    }

    [Test]
    public void DrawsStayWithinTheirRanges()
    {
        var rng = new Rng(1);
        var options = new AugmentationOptions(CropPadding: 4, HorizontalFlip: true, CutoutSize: 16);
        var draws = Enumerable.Range(0, 2000).Select(_ => ImageAugmenter.DrawFor(options, H, W, rng)).ToList();
        Assert.That(draws.Min(d => d.OffsetY), Is.EqualTo(-4));
        Assert.That(draws.Max(d => d.OffsetX), Is.EqualTo(4));
        Assert.That(draws.Count(d => d.Flip), Is.InRange(850, 1150));
        Assert.That(draws.All(d => d.CutoutY is >= 0 and < H && d.CutoutX is >= 0 and < W), Is.True);

        var off = ImageAugmenter.DrawFor(AugmentationOptions.None, H, W, rng);
        Assert.That(off, Is.EqualTo(new ImageAugmenter.Draw(0, 0, false, -1, -1)));
    }
}
