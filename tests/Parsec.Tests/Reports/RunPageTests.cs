using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.Reports.Html;

namespace Parsec.Tests.Reports;

[TestFixture]
public class RunPageTests
{
    [Test]
    public void ARunningSearchSaysHowFarItIsAndWhatIsStillPending()
    {
        using var run = new SyntheticRun().WithSearchMetrics(40).WithPiHistory(4);
        File.WriteAllText(run.PathOf("options.json"), "{\"iterations\":500,\"dataset\":{\"name\":\"<textures>\",\"seed\":4}}");
        File.WriteAllText(run.PathOf("warnings.txt"), "pi has decided only 9 of 32 choices\n");

        string summary = RunViews.RefreshSearch(run.Directory, totalIterations: 500, finished: false);

        Assert.That(summary, Does.StartWith("report: metrics.csv,").And.EndWith("report.html").Or.Contain("report.html ("));
        string html = ReportPageAssert.SelfContained(run.PathOf(RunPage.FileName));
        Assert.That(html, Does.Contain("In progress or stopped: 39 of 500 iterations logged"));
        Assert.That(html, Does.Contain("genotype.json is written when the search ends"));
        Assert.That(html, Does.Contain("<h2>Warnings</h2>").And.Contain("pi has decided only 9 of 32 choices"));
        Assert.That(html, Does.Contain("<td>dataset.name</td><td>&lt;textures&gt;</td>"), "options are flattened to dotted names and escaped");
        Assert.That(ReportPageAssert.Images(html), Is.GreaterThanOrEqualTo(4), "curves and three pi plots");
        Assert.That(ReportPageAssert.Links(html), Is.SupersetOf(new[] { "metrics.csv", "metrics.jsonl", "options.json", "pi_history.jsonl", "warnings.txt" }));
        Assert.That(File.ReadAllLines(run.PathOf(MetricsCsv.FileName)), Has.Length.EqualTo(41));
    }

    [Test]
    public void AFinishedSearchShowsItsGenotypeMemoryAndCompute()
    {
        using var run = new SyntheticRun().WithSearchMetrics(60).WithPiHistory(6).WithGenotype();
        File.WriteAllText(run.PathOf("memory.txt"), "peak device memory 1,480 MiB\n");

        RunViews.RefreshSearch(run.Directory, totalIterations: 60, finished: true);

        string html = ReportPageAssert.SelfContained(run.PathOf(RunPage.FileName));
        Assert.That(html, Does.Contain("Finished: 59 iterations."));
        Assert.That(html, Does.Contain("<td>normal</td><td>node 0 = sep_conv_3x3(c_{k-2}) + sep_conv_3x3(c_{k-1})"));
        Assert.That(html, Does.Contain("<pre>peak device memory 1,480 MiB\n</pre>"));
        Assert.That(html, Does.Contain("60 logged: median").And.Contain("peak memory logged 1480 MiB"));
        Assert.That(html, Does.Not.Contain("not written"));
    }

    [Test]
    public void ATrainingPageHasItsResultAndOneRowPerEpoch()
    {
        using var run = new SyntheticRun().WithEvaluationMetrics(5).WithGenotype();
        File.WriteAllText(run.PathOf("result.json"), "{\"test_acc\":0.8123,\"test_loss\":0.51234,\"epochs\":5,\"parameters_without_auxiliary\":43714}");

        RunViews.RefreshTraining(run.Directory, totalEpochs: 5, recordJson: "{\"epochs\":5,\"seed\":2}");

        string html = ReportPageAssert.SelfContained(run.PathOf(RunPage.FileName));
        Assert.That(html, Does.Contain("Finished: test accuracy 81.23 % (loss 0.5123) after 5 epochs; 43,714 parameters."));
        Assert.That(html.Split("<tr><td>").Length - 1, Is.EqualTo(2 + 5 + 2 + 5),
            "2 cells, 5 epochs, 2 options, 5 files (metrics.csv, metrics.jsonl, genotype.json, result.json, cells.dot)");
        Assert.That(html, Does.Contain("<td>seed</td><td>2</td>"));
        Assert.That(ReportPageAssert.Links(html), Does.Contain("result.json").And.Contain("metrics.csv"));
    }

    [Test]
    public void ATrainingBeforeItsFirstEpochGetsAPageThatSaysSo()
    {
        using var run = new SyntheticRun();
        File.WriteAllText(run.PathOf("metrics.jsonl"), "");

        string summary = RunViews.RefreshTraining(run.Directory, totalEpochs: 4, recordJson: null);

        string html = ReportPageAssert.SelfContained(run.PathOf(RunPage.FileName));
        Assert.That(summary, Does.Contain("report.html"));
        Assert.That(html, Does.Contain("In progress or stopped: 0 of 4 epochs done."));
        Assert.That(html, Does.Contain("nothing logged yet").And.Contain("not recorded"));
    }

    [Test]
    public void AnUnreadableFolderIsANoteNotAFailure()
    {
        using var run = new SyntheticRun();
        File.WriteAllText(run.PathOf("metrics.jsonl"), "{\"epoch\":1,\"train_loss\":2}\n");
        File.WriteAllText(run.PathOf("genotype.json"), "{ not json");

        string summary = RunViews.RefreshTraining(run.Directory, totalEpochs: 4, recordJson: null);

        Assert.That(summary, Does.StartWith("report not drawn:"));
    }
}
