using NUnit.Framework;
using Parsec.Search.Loop;

namespace Parsec.Tests.Distributed;

public class LongestFirstTests
{
    [Test]
    public void SamplesAreTakenMostExpensiveFirstAndEqualCostsByIndex()
    {
        Assert.That(LongestFirst.Order([3, 9, 1, 9, 5]), Is.EqualTo(new[] { 1, 3, 4, 0, 2 }));
        Assert.That(LongestFirst.Order([]), Is.Empty);
        Assert.That(() => LongestFirst.Order([1, double.NaN]), Throws.ArgumentException.With.Message.Contains("sample 1"));
    }

    [Test]
    public void TicketsBecomeSamplesInThatOrderAndStayPastThePassAfterIt()
    {
        int next = -1;
        var take = LongestFirst.Taking([2, 0, 1], () => Interlocked.Increment(ref next));
        Assert.That(Enumerable.Range(0, 5).Select(_ => take()), Is.EqualTo(new[] { 2, 0, 1, 3, 4 }));
    }
}
