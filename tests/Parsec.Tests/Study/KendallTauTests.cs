using NUnit.Framework;
using Parsec.Search.Study;

namespace Parsec.Tests.Study;

public class KendallTauTests
{
    /// <summary>
    /// x = 1..5, y = 3, 1, 2, 5, 4. Of the 10 pairs, (1,2), (1,3) and (4,5) are discordant and the other 7 concordant:
    /// tau = (7 - 3) / 10 = 0.4. Exact p-value: a permutation of 5 has |tau| >= 0.4 when it has at most 3 or at least 7
    /// inversions; the Mahonian numbers 1, 4, 9, 15 (and their mirror 15, 9, 4, 1) give 58 of 120 permutations.
    /// </summary>
    [Test]
    public void AHandComputedRankingWithoutTies()
    {
        var r = KendallTau.Compute([1, 2, 3, 4, 5], [3, 1, 2, 5, 4]);
        Assert.That(r.Tau, Is.EqualTo(0.4).Within(1e-15));
        Assert.That(r.PValue, Is.EqualTo(58.0 / 120).Within(1e-15));
        Assert.That(r.Exact, Is.True);
        Assert.That(KendallTau.Compute([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]).Tau, Is.EqualTo(-1));
        Assert.That(KendallTau.Compute([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]).PValue, Is.EqualTo(2.0 / 120).Within(1e-15), "only the two perfect orders reach |tau| = 1");
    }

    /// <summary>x = 1..4, y = 1, 1, 2, 3: five concordant pairs, one tied in y; tau-b = 5 / sqrt(6 * 5).</summary>
    [Test]
    public void TiesReduceTheDenominator()
    {
        Assert.That(KendallTau.TauB([1, 2, 3, 4], [1, 1, 2, 3]), Is.EqualTo(5 / Math.Sqrt(30)).Within(1e-15));
        Assert.That(double.IsNaN(KendallTau.Compute([1, 2, 3], [7, 7, 7]).Tau), Is.True, "a constant ranking has no order");
    }

    /// <summary>
    /// Above 9 items the normal approximation: for 12 items in the same order S = 66, var(S) = 12 * 11 * 29 / 18, so
    /// z = 66 / sqrt(212.67) = 4.5258 and p = erfc(z / sqrt 2) = 6.02e-6.
    /// </summary>
    [Test]
    public void LargerSamplesUseTheNormalApproximation()
    {
        var x = Enumerable.Range(0, 12).Select(i => (double)i).ToList();
        var r = KendallTau.Compute(x, x);
        Assert.That(r.Exact, Is.False);
        Assert.That(r.Tau, Is.EqualTo(1));
        Assert.That(r.PValue, Is.EqualTo(6.02e-6).Within(0.02e-6));
        Assert.That(() => KendallTau.Compute([1, 2], [1]), Throws.ArgumentException);
    }
}
