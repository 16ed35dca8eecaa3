using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>Channel concatenation (the cell output) and the spatial slice x[:, :, 1:, 1:] (factorized reduction) against PyTorch.</summary>
[TestFixture]
public sealed class LayoutGoldenTests
{
    [Test]
    public void ConcatChannelsMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("concat_channels", dtype);
        run.ExpectOutputAndGradients(run.Tape.ConcatChannels(run.Input("a"), run.Input("b"), run.Input("c")));
    }

    [Test]
    public void SliceSpatialMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("slice_spatial", dtype);
        var x = run.Input("x");
        int offH = run.Case.Int("off_h"), offW = run.Case.Int("off_w");
        var s = x.Shape4;
        run.ExpectOutputAndGradients(run.Tape.SliceSpatial(x, offH, offW, s.H - offH, s.W - offW));
    }
}
