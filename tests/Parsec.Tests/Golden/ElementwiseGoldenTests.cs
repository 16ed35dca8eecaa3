using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>The element-wise tape ops against PyTorch: relu, add, scale, drop path with a given mask, and DARTS' mixed sum.</summary>
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

    /// <summary>y = sum_c w[c] x[c]: the output, each candidate's gradient and the mixing weights' gradient (host values here).</summary>
    [Test]
    public void MixedSumMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("mixed_sum", dtype);
        var candidates = new[] { run.Input("x0"), run.Input("x1"), run.Input("x2") };
        var weights = run.Case.Input("weights");
        var weightGradient = new double[3];
        var y = run.Tape.MixedSum(candidates, weights.Data, weightGradient);
        run.ExpectOutput("y", y);
        run.Backward("y", y);
        for (int c = 0; c < 3; c++) GoldenAssert.Close($"mixed_sum {dtype} gradient x{c}", run.Case.Grads[$"x{c}"], candidates[c].Grad!);
        GoldenAssert.Close($"mixed_sum {dtype} gradient weights", run.Case.Grads["weights"], weights.Shape, weightGradient, GoldenAssert.RelativeTolerance(dtype));
    }
}
