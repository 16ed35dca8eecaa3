using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>Tape.Pool2d and Tape.GlobalAvgPool against F.max_pool2d, F.avg_pool2d (count_include_pad=False) and adaptive_avg_pool2d.</summary>
[TestFixture]
public sealed class PoolingGoldenTests
{
    [Test]
    public void Pool2dMatchesPyTorch(
        [Values("max_pool_3x3_stride1", "max_pool_3x3_stride2", "avg_pool_3x3_stride1", "avg_pool_3x3_stride2")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        var kind = c.Op == "max_pool" ? PoolKind.Max : PoolKind.AverageExcludePadding;
        var y = run.Tape.Pool2d(run.Input("x"), kind, c.Int("kernel"), c.Int("stride"), c.Int("padding"));
        run.ExpectOutputAndGradients(y);
    }

    [Test]
    public void GlobalAvgPoolMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("global_avg_pool", dtype);
        var y = run.Tape.GlobalAvgPool(run.Input("x"));
        run.ExpectOutputAndGradients(y);
    }
}
