using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cost;
using Parsec.Search.Space;
using Parsec.Search.Study;
using Parsec.Search.Training;
using Parsec.Tests.Data;

namespace Parsec.Tests.Cost;

/// <summary>
/// The latency model: where each op of a network runs, the additive prediction from a table, the fitted fixed part,
/// the cache that holds a table only for the machine, shape and batch it was measured for, and a real (tiny)
/// measurement through `parsec cost --latency-check`. No test here judges a time: speed lives in the benchmarks
/// (docs/search-quality.md has the measured accuracy of the predictions).
/// </summary>
[TestFixture]
public sealed class LatencyTableTests
{
    private static readonly CostShape Small = new(8, 5, 28, InputChannels: 1);

    [Test]
    public void CellsDoubleTheirChannelsAndHalveTheirSideAtEachReductionAsTheNetworkDoes()
    {
        Assert.That(CellPlacement.Of(Small), Is.EqualTo(new[]
        {
            new CellPlacement(CellType.Normal, 8, 28), new CellPlacement(CellType.Reduce, 16, 28), new CellPlacement(CellType.Normal, 16, 14),
            new CellPlacement(CellType.Reduce, 32, 14), new CellPlacement(CellType.Normal, 32, 7),
        }));
        var reduce = CellPlacement.Of(Small)[1];
        Assert.That(reduce.Position("sep_conv_3x3", 1), Is.EqualTo(new OpPosition("sep_conv_3x3", 16, 28, 2)), "a cell input is read with stride 2");
        Assert.That(reduce.Position("sep_conv_3x3", 2), Is.EqualTo(new OpPosition("sep_conv_3x3", 16, 14, 1)), "an intermediate node is already halved");
        // Three normal cells at (8, 28), (16, 14), (32, 7); the reductions add (16, 28, 2) and (32, 14, 2), their
        // intermediate nodes sharing (16, 14, 1) and (32, 7, 1) with the normal cells: 5 positions x 7 primitives.
        Assert.That(CellPlacement.AllPositions(Small), Has.Count.EqualTo(5 * SearchSpace.Darts.Ops.Count).And.Unique);
    }

    [Test]
    public void APredictionIsTheFixedPartPlusEveryOpInEveryCell()
    {
        // Each entry is its channels plus its stride / 10, so the sum can be done by hand.
        var ops = CellPlacement.AllPositions(Small).Select(p => new LatencyTable.OpLatency(p.Op, p.Channels, p.Side, p.Stride, p.Channels + p.Stride / 10.0, 0)).ToList();
        var table = Table(ops, fixedMs: 5);
        // DARTS_V2's cells, by hand: normal cells at C = 8, 16, 32 (8 terms each, stride 1) = 8 * 56 + 8 * 0.1 * 3;
        // reduction cells at C = 16, 32: terms reading c_{k-2} or c_{k-1} (stride 2) or a node (stride 1).
        var genotype = PublishedGenotypes.Resolve("DARTS_V2");
        int stride2 = genotype.Reduce.Count(t => t.Input < 2);
        double normal = 8 * (8 + 16 + 32) + 8 * 3 * 0.1;
        double reduction = 8 * (16 + 32) + 2 * (stride2 * 0.2 + (8 - stride2) * 0.1);
        Assert.That(table.Predict(genotype), Is.EqualTo(5 + normal + reduction).Within(1e-9));
        Assert.That(() => Table(ops.Skip(1).ToList(), 0).Predict(TermCostTable.AllFree(SearchSpace.Darts.Nodes)), Throws.InvalidOperationException.With.Message.Contains("no entry for max_pool_3x3 C=8 28x28 stride 1"));
    }

    /// <summary>The table as term costs prices every genotype as the prediction does, so pi's expected latency is exact with respect to it.</summary>
    [Test]
    public void AsTermCostsTheTablePricesEveryGenotypeAsItsPrediction()
    {
        var rng = new Parsec.Autodiff.Rng(5);
        var ops = CellPlacement.AllPositions(Small).Select(p => new LatencyTable.OpLatency(p.Op, p.Channels, p.Side, p.Stride, rng.NextDouble() * 3, 0)).ToList();
        var table = Table(ops, fixedMs: 4.5);
        var terms = table.ToTermCosts();
        foreach (var genotype in RandomGenotypes.Sample(20, 3, Parsec.Search.Prior.TermInputs.DistinctPerNode, SearchSpace.Darts))
            Assert.That(terms.CostOf(Architecture.FromGenotype(genotype)), Is.EqualTo(table.Predict(genotype)).Within(1e-9));
        Assert.That(terms.Measure, Is.EqualTo(CostMeasure.Latency));
    }

    [Test]
    public void TheFixedPartIsTheMeanOfWhatTheCalibrationNetworksTookBeyondTheirOps()
    {
        var (fixedMs, scale) = LatencyTable.Fit([Calibration(10, 14), Calibration(20, 26), Calibration(30, 32)]);
        Assert.That(fixedMs, Is.EqualTo((4 + 6 + 2) / 3.0).Within(1e-12));
        Assert.That(scale, Is.EqualTo(1));
        Assert.That(() => LatencyTable.Fit([]), Throws.ArgumentException);
    }

    [Test]
    public void ACachedTableServesOnlyTheMachineShapeAndBatchItWasMeasuredFor()
    {
        using var temp = new TempFolder();
        var ops = CellPlacement.AllPositions(Small).Select(p => new LatencyTable.OpLatency(p.Op, p.Channels, p.Side, p.Stride, 1.5, 0.1)).ToList();
        var table = Table(ops, fixedMs: 3);
        table.Save(temp.Path);
        var loaded = LatencyTable.Load(temp.Path, table.Machine, Small, table.Batch);
        Assert.That(loaded, Is.Not.Null);
        Assert.That(loaded!.Predict(TermCostTable.AllFree(SearchSpace.Darts.Nodes)), Is.EqualTo(table.Predict(TermCostTable.AllFree(SearchSpace.Darts.Nodes))));
        Assert.That(LatencyTable.Load(temp.Path, "cuda:0 (H100) tf32; x 16", Small, table.Batch), Is.Null, "another machine measures anew");
        Assert.That(LatencyTable.Load(temp.Path, table.Machine, Small with { Channels = 16 }, table.Batch), Is.Null, "another shape measures anew");
        Assert.That(LatencyTable.Load(temp.Path, table.Machine, Small, 64), Is.Null, "another batch measures anew");
        File.WriteAllText(LatencyTable.CachePath(temp.Path, table.Machine, Small, table.Batch), "{ not json");
        Assert.That(LatencyTable.Load(temp.Path, table.Machine, Small, table.Batch), Is.Null, "a damaged file is measured again, not trusted");
    }

    [Test]
    public void CostMeasuresATableOnceThenUsesTheCacheAndChecksRandomNetworks()
    {
        using var temp = new TempFolder();
        string[] args = ["cost", "DARTS_V2", "--channels", "4", "--layers", "2", "--image-size", "8", "--input-channels", "1", "--backend", "cpu",
            "--latency-batch", "2", "--latency-check", "2", "--latency-cache", temp.Path];
        var (code, output) = CostCommandTests.Run(args);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("latency table: measuring every op at every position"));
        Assert.That(output, Does.Match(@"forward latency, batch 2 \(cpu fp32; .*\) *│ [\d.]+ ms predicted"));
        Assert.That(output, Does.Contain("random-2").And.Match(@"within 15 % of measured: [0-2] of 2; median absolute error [\d.]+ %"));
        var file = Directory.GetFiles(temp.Path, "*.json").Single();
        var table = System.Text.Json.JsonSerializer.Deserialize<LatencyTable>(File.ReadAllText(file))!;
        Assert.That(table.Ops.Select(o => o.Position), Is.EquivalentTo(CellPlacement.AllPositions(new CostShape(4, 2, 8, InputChannels: 1))));
        Assert.That(table.Ops, Has.All.Matches<LatencyTable.OpLatency>(o => o.MedianMs >= 0 && double.IsFinite(o.Spread)));
        Assert.That(table.Calibrations, Has.Count.EqualTo(new LatencySettings().CalibrationNetworks));

        (code, output) = CostCommandTests.Run(args);
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("latency table: cached in").And.Not.Contain("measuring every op"));
    }

    private static LatencyTable Table(IReadOnlyList<LatencyTable.OpLatency> ops, double fixedMs) => new()
    {
        Machine = "cpu fp32; test x 2", Shape = Small, Batch = 32, Primitives = LatencyTable.CurrentPrimitives(Small.Space),
        FixedMs = fixedMs, OpScale = 1, Calibrations = [], Ops = ops,
    };

    private static LatencyTable.Calibration Calibration(double ops, double measured) => new("g", ops, new LatencyEntry(measured, 0));
}
