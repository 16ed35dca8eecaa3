using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>The element-wise tape ops against PyTorch: relu, add, scale and drop path with a given mask.</summary>
[TestFixture]
public sealed class ElementwiseGoldenTests
{
    [Test]
    public void ReluMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("relu", dtype);
        run.ExpectOutputAndGradients(run.Tape.Relu(run.Input("x")));
    }

    [Test]
    public void AddMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("add", dtype);
        run.ExpectOutputAndGradients(run.Tape.Add(run.Input("a"), run.Input("b")));
    }

    [Test]
    public void ScaleMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("scale", dtype);
        run.ExpectOutputAndGradients(run.Tape.Scale(run.Input("x"), run.Case.Double("alpha")));
    }

    /// <summary>Drop path is x * mask / keep per example; the mask is data here, so the op under test is the row scaling.</summary>
    [Test]
    public void DropPathMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("drop_path", dtype);
        double keep = run.Case.Double("keep");
        var factors = Array.ConvertAll(run.Case.Buffer("mask").Data, m => m / keep);
        run.ExpectOutputAndGradients(run.Tape.ScaleRows(run.Input("x"), factors));
    }
}
