using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Reports;

[TestFixture]
public class RunReportSearchRunTests
{
    // One report of a full search folder is drawn once and inspected by the tests below; drawing is the slow part.
    private SyntheticRun _run = null!;
    private RunReportResult _result = null!;

    [OneTimeSetUp]
    public void DrawReport()
    {
        _run = new SyntheticRun().WithSearchMetrics(400).WithPiHistory(40).WithGenotype();
        _result = RunReport.WriteAll(_run.Directory);
    }

    [OneTimeTearDown]
    public void Cleanup() => _run.Dispose();

    [Test]
    public void ListsEveryFileItWrote()
    {
        var expected = new List<string> { "curves.png", "pi_normal.png", "pi_reduce.png", "pi_final.png", "cells.dot" };
        if (_result.GraphsRendered) expected.Add("cells.png");
        Assert.That(_result.Files.Select(Path.GetFileName), Is.EquivalentTo(expected));
        Assert.That(_result.Files, Has.All.Matches<string>(File.Exists));
        Assert.That(_result.Files, Has.All.Matches<string>(Path.IsPathRooted));
    }

    [Test]
    public void CurvesHaveAPanelPerLoggedQuantity()
    {
        var log = MetricsFile.Read(_run.PathOf("metrics.jsonl"));
        Assert.That(log.IsSearch, Is.True);
        var titles = CurvesPlot.PanelTitles(log);
        Assert.That(titles, Has.Count.EqualTo(8));
        Assert.That(titles, Has.Some.StartsWith("Entropy of π"));
        Assert.That(titles, Has.Some.StartsWith("Entropy of the importance weights"));
        PngAssert.IsDrawnPng(_run.PathOf("curves.png"), CurvesPlot.Width, 4 * CurvesPlot.PanelHeight);
    }

    [Test]
    public void PiPlotsAreDrawn()
    {
        int piHeight = PiEvolutionPlot.HeaderHeight + SearchSpace.Darts.Nodes * PiEvolutionPlot.PanelHeight;
        PngAssert.IsDrawnPng(_run.PathOf("pi_normal.png"), PiEvolutionPlot.Width, piHeight);
        PngAssert.IsDrawnPng(_run.PathOf("pi_reduce.png"), PiEvolutionPlot.Width, piHeight);
        PngAssert.IsDrawnPng(_run.PathOf("pi_final.png"), PiFinalPlot.Width, PiFinalPlot.Height);
    }

    [Test]
    public void CellGraphIsWrittenAndDrawnWhenGraphvizIsInstalled()
    {
        string dot = File.ReadAllText(_run.PathOf("cells.dot"));
        foreach (var op in SyntheticRun.Genotype.Normal.Concat(SyntheticRun.Genotype.Reduce).Select(t => t.Op).Distinct())
            Assert.That(dot, Does.Contain($"label=\"{op}\""));

        if (new GraphvizRenderer().Executable is null)
        {
            Assert.That(_result.GraphsRendered, Is.False);
            Assert.That(_result.Notes, Has.Some.Contains("not found"));
        }
        else
        {
            Assert.That(_result.GraphsRendered, Is.True);
            PngAssert.IsDrawnPng(_run.PathOf("cells.png"));
        }
    }

    [Test]
    public void LeavesNoTemporaryFilesBehind()
    {
        var names = Directory.GetFiles(_run.Directory).Select(Path.GetFileName).ToList();
        Assert.That(names, Has.None.Contains(".tmp"));
        Assert.That(_result.Notes, Is.Empty, "a complete search folder should need no notes");
    }
}

[TestFixture]
public class RunReportTests
{
    [Test]
    public void EvaluationRunGetsEpochCurvesAndSaysWhatIsMissing()
    {
        using var run = new SyntheticRun().WithEvaluationMetrics(12);
        var result = RunReport.WriteAll(run.Directory);

        Assert.That(result.Files.Select(Path.GetFileName), Is.EqualTo(new[] { "curves.png" }));
        var log = MetricsFile.Read(run.PathOf("metrics.jsonl"));
        Assert.That(log.IsSearch, Is.False);
        Assert.That(log.XKey, Is.EqualTo("epoch"));
        Assert.That(CurvesPlot.PanelTitles(log), Is.EqualTo(new[] { "Loss", "Accuracy", "Learning rate (weights)", "Epoch time", "Time waiting for input data" }));
        PngAssert.IsDrawnPng(run.PathOf("curves.png"), CurvesPlot.Width, 3 * CurvesPlot.PanelHeight);
        Assert.That(result.Notes, Has.Some.Contains("pi_history.jsonl not found"));
        Assert.That(result.Notes, Has.Some.Contains("genotype.json not found"));
    }

    [Test]
    public void MissingGraphvizIsReportedNotThrown()
    {
        using var run = new SyntheticRun().WithGenotype();
        var result = RunReport.WriteAll(run.Directory, new RunReportOptions { DotExecutable = Path.Combine(run.Directory, "no-such-dot") });

        Assert.That(result.GraphsRendered, Is.False);
        Assert.That(result.Files.Select(Path.GetFileName), Is.EqualTo(new[] { "cells.dot" }));
        Assert.That(File.Exists(run.PathOf("cells.png")), Is.False);
        Assert.That(result.Notes, Has.Some.Contains("not found").And.Contains("cells.dot"));
    }

    [Test]
    public void WithoutGenotypeTheCellsComeFromTheLastPi()
    {
        using var run = new SyntheticRun().WithPiHistory(3);
        var result = RunReport.WriteAll(run.Directory, new RunReportOptions { RenderGraphs = false });

        Assert.That(result.Files.Select(Path.GetFileName), Does.Contain("cells.dot"));
        var last = PiHistoryFile.Read(run.PathOf("pi_history.jsonl")).Snapshots[^1];
        string dot = File.ReadAllText(run.PathOf("cells.dot"));
        foreach (var term in last.MostLikelyGenotype().Normal)
            Assert.That(dot, Does.Contain($"label=\"{term.Op}\""));
        Assert.That(dot, Does.Contain("iteration 20"));
        Assert.That(result.Notes, Has.Some.Contains("genotype.json not found"));
    }

    [Test]
    public void MalformedMetricsLineFailsNamingFileAndLineAndWritesNothing()
    {
        using var run = new SyntheticRun().WithPiHistory(2).WithGenotype();
        string path = run.PathOf("metrics.jsonl");
        File.WriteAllText(path, "{\"iteration\":0,\"train_loss\":2.3}\n{\"iteration\":1,\"train_loss\":2.2}\n{\"iteration\":2,\"train_loss\":2.1\n{\"iteration\":3,\"train_loss\":2.0}\n");

        var e = Assert.Throws<RunFileFormatException>(() => RunReport.WriteAll(run.Directory))!;
        Assert.That(e.FilePath, Is.EqualTo(path));
        Assert.That(e.LineNumber, Is.EqualTo(3));
        Assert.That(e.Message, Does.Contain(path).And.Contain("line 3"));
        Assert.That(Directory.GetFiles(run.Directory, "*.png"), Is.Empty);
        Assert.That(File.Exists(run.PathOf("cells.dot")), Is.False);
    }

    [Test]
    public void MissingFolderIsAnError()
    {
        Assert.Throws<BadInputException>(() => RunReport.WriteAll(Path.Combine(Path.GetTempPath(), "parsec-report-tests", "absent-" + Guid.NewGuid().ToString("N"))));
    }

    [Test]
    public void EmptyFolderWritesNothingAndSaysWhy()
    {
        using var run = new SyntheticRun();
        var result = RunReport.WriteAll(run.Directory);
        Assert.That(result.Files, Is.Empty);
        Assert.That(result.Notes, Has.Count.EqualTo(3));
    }
}
