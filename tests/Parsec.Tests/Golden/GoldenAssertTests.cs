using NUnit.Framework;

namespace Parsec.Tests.Golden;

/// <summary>The comparison every golden test relies on must reject what it is meant to reject.</summary>
[TestFixture]
public sealed class GoldenAssertTests
{
    private static readonly GoldenTensor Expected = new([2, 2], [1.0, -2.0, 1e-12, 4.0]);

    [Test]
    public void AcceptsValuesWithinTolerance() =>
        Assert.That(GoldenAssert.Mismatch(Expected, [2, 2], [1.0 + 1e-9, -2.0, 2e-11, 4.0], 1e-8), Is.Null);

    [Test]
    public void RejectsOneValueOffByMoreThanTolerance()
    {
        string? failure = GoldenAssert.Mismatch(Expected, [2, 2], [1.0, -2.0, 1e-12, 4.0 + 1e-6], 1e-8);
        Assert.That(failure, Does.StartWith("1 of 4 values").And.Contain("[1,1]"));
    }

    [Test]
    public void RejectsNaN() =>
        Assert.That(GoldenAssert.Mismatch(Expected, [2, 2], [double.NaN, -2.0, 1e-12, 4.0], 1e-4), Does.Contain("[0,0]"));

    [Test]
    public void RejectsAnotherShapeWithTheSameLength() =>
        Assert.That(GoldenAssert.Mismatch(Expected, [4], [1.0, -2.0, 1e-12, 4.0], 1e-8), Does.StartWith("shape (4)"));
}
