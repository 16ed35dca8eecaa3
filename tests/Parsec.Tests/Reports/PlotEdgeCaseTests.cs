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
