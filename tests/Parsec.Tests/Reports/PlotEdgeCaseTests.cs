using NUnit.Framework;
using Parsec.Search.Reports;

namespace Parsec.Tests.Reports;

/// <summary>Runs that have barely started still get readable images.</summary>
[TestFixture]
public class PlotEdgeCaseTests
{
    [Test]
    public void ASingleSnapshotOfPiIsDrawn()
    {
        using var run = new SyntheticRun().WithPiHistory(1);
        var history = PiHistoryFile.Read(run.PathOf("pi_history.jsonl"));
        File.WriteAllBytes(run.PathOf("pi.png"), PiEvolutionPlot.Render(history, reduction: true)!);
        PngAssert.IsDrawnPng(run.PathOf("pi.png"), PiEvolutionPlot.Width);
    }

    /// <summary>
    /// With distinct inputs per node a term's input is chosen with its partner's: both terms of node 2 may lean to
    /// c_{k-2}, but only one can read it. The panel titles name what genotype.json chose, not each panel's own widest band.
    /// </summary>
    [Test]
    public void PiPanelTitlesNameTheGenotypesChoiceNotEachPanelsOwnArgmax()
    {
        var inputs = Enumerable.Range(0, 8).Select(k => Enumerable.Repeat(1.0 / (k / 2 + 2), k / 2 + 2).ToArray()).ToArray();
        inputs[4] = [0.6, 0.1, 0.2, 0.1];
        inputs[5] = [0.5, 0.1, 0.3, 0.1];
        var ops = Enumerable.Range(0, 8).Select(_ => Enumerable.Repeat(1.0 / 7, 7).ToArray()).ToArray();
        var pi = new CellPi(inputs, ops);
        var genotype = Parsec.Search.Training.PublishedGenotypes.DartsV2.Normal.ToList();
        genotype[4] = new Parsec.Search.Space.GenotypeTerm(genotype[4].Op, 0);
        genotype[5] = new Parsec.Search.Space.GenotypeTerm(genotype[5].Op, 2);

        Assert.That(PiEvolutionPlot.PanelTitle(pi, 4, ops: false, genotype), Does.EndWith("→ c_{k-2} (0.60)"));
        Assert.That(PiEvolutionPlot.PanelTitle(pi, 5, ops: false, genotype), Does.EndWith("→ node 0 (0.30)"));
        Assert.That(PiEvolutionPlot.PanelTitle(pi, 5, ops: false, chosen: null), Does.EndWith("→ c_{k-2} (0.50)"), "without a genotype: the panel's own argmax");
        Assert.That(PiEvolutionPlot.PanelTitle(pi, 5, ops: true, genotype), Does.Contain($"→ {genotype[5].Op}"));
    }

    [Test]
    public void ASingleMetricsLineIsDrawn()
    {
        using var run = new SyntheticRun();
        File.WriteAllText(run.PathOf("metrics.jsonl"), "{\"iteration\":0,\"train_loss\":2.3,\"val_loss\":2.31}\n");
        var log = MetricsFile.Read(run.PathOf("metrics.jsonl"));
        Assert.That(CurvesPlot.PanelTitles(log), Is.EqualTo(new[] { "Loss" }));
        File.WriteAllBytes(run.PathOf("curves.png"), CurvesPlot.Render(log)!);
        PngAssert.IsDrawnPng(run.PathOf("curves.png"), CurvesPlot.Width, CurvesPlot.PanelHeight);
    }

    [Test]
    public void MetricsWithNothingToPlotGiveNoImage()
    {
        using var run = new SyntheticRun();
        File.WriteAllText(run.PathOf("metrics.jsonl"), "{\"iteration\":0,\"note\":\"warming up\"}\n");
        Assert.That(CurvesPlot.Render(MetricsFile.Read(run.PathOf("metrics.jsonl"))), Is.Null);
    }
}
