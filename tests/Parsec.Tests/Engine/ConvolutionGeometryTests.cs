using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Engine;

/// <summary>Conv2dGeometry with a kernel, stride and padding per side, and the guard that keeps square-only code off it.</summary>
public sealed class ConvolutionGeometryTests
{
    [Test]
    public void ARectangularGeometryHasItsOwnOutputSidesWeightShapeAndCost()
    {
        // conv_7x1_1x7's first half at stride 2: 1x7, stride (1, 2), padding (0, 3), on 3 x 9 x 10 images.
        var g = new Conv2dGeometry(new Shape4(2, 3, 9, 10), 4, 1, 7, 1, 2, 0, 3, 1, 1);
        Assert.That(g.IsSquare, Is.False);
        Assert.That((g.OutH, g.OutW), Is.EqualTo((9, 5)));
        Assert.That(g.WeightShape, Is.EqualTo(new[] { 4, 3, 1, 7 }));
        Assert.That(g.WeightLength, Is.EqualTo(4 * 3 * 7));
        Assert.That(g.MultiplyAdds, Is.EqualTo(2L * 4 * 9 * 5 * 3 * 7));
        Assert.That(g.ToString(), Does.Contain("Kernel = 1x7").And.Contain("Stride = 1x2").And.Contain("Padding = 0x3"));
    }

    [Test]
    public void SquareOnlyPropertiesRefuseARectangularGeometryAndServeASquareOne()
    {
        var rectangular = new Conv2dGeometry(new Shape4(1, 2, 8, 8), 2, 7, 1, 1, 1, 3, 0, 1, 1);
        Assert.That(() => rectangular.Kernel, Throws.InvalidOperationException.With.Message.Contains("7x1 kernel"));
        Assert.That(() => rectangular.Stride, Throws.InvalidOperationException);
        Assert.That(() => rectangular.Padding, Throws.InvalidOperationException);

        var square = new Conv2dGeometry(new Shape4(1, 2, 8, 8), 2, 3, 2, 1, 1, 1);
        Assert.That((square.IsSquare, square.Kernel, square.Stride, square.Padding), Is.EqualTo((true, 3, 2, 1)));
        Assert.That(square, Is.EqualTo(new Conv2dGeometry(new Shape4(1, 2, 8, 8), 2, 3, 3, 2, 2, 1, 1, 1, 1)), "the square constructor is the rectangular one with equal sides");
    }
}
