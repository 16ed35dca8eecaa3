using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Reports;

[TestFixture]
public class MetricsFileTests
{
    private static MetricsLog ReadText(SyntheticRun run, string text)
    {
        File.WriteAllText(run.PathOf("metrics.jsonl"), text);
        return MetricsFile.Read(run.PathOf("metrics.jsonl"));
    }

    [Test]
    public void ToleratesMissingAndExtraFieldsAndBlankLines()
    {
        using var run = new SyntheticRun();
        var log = ReadText(run, "{\"iteration\":0,\"train_loss\":2.5,\"phase\":\"warmup\"}\n\n{\"iteration\":1,\"train_loss\":2.4,\"val_loss\":2.6,\"lr\":null}\n");
        Assert.That(log.Rows, Has.Count.EqualTo(2));
        Assert.That(log.Series("train_loss").Y, Is.EqualTo(new[] { 2.5, 2.4 }));
        Assert.That(log.Series("val_loss").X, Is.EqualTo(new[] { 1.0 }));
        Assert.That(log.Has("lr"), Is.False);
        Assert.That(log.Rows[1].LineNumber, Is.EqualTo(3));
    }

    [Test]
    public void NonFiniteValuesAreSkippedInSeries()
    {
        using var run = new SyntheticRun();
        var log = ReadText(run, "{\"iteration\":0,\"train_loss\":\"NaN\"}\n{\"iteration\":1,\"train_loss\":1.5}\n{\"iteration\":2,\"train_loss\":\"Infinity\"}\n");
        var (x, y) = log.Series("train_loss");
        Assert.That(x, Is.EqualTo(new[] { 1.0 }));
        Assert.That(y, Is.EqualTo(new[] { 1.5 }));
    }

    [Test]
    public void TextInANumericFieldNamesFileLineAndField()
    {
        using var run = new SyntheticRun();
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, "{\"iteration\":0,\"val_acc\":0.1}\n{\"iteration\":1,\"val_acc\":\"high\"}\n"))!;
        Assert.That(e.LineNumber, Is.EqualTo(2));
        Assert.That(e.Message, Does.Contain("metrics.jsonl").And.Contain("line 2").And.Contain("val_acc"));
    }

    [Test]
    public void ALineThatIsNotAnObjectIsAnError()
    {
        using var run = new SyntheticRun();
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, "{\"epoch\":0}\n[1,2,3]\n"))!;
        Assert.That(e.LineNumber, Is.EqualTo(2));
        Assert.That(e.Reason, Does.Contain("JSON object"));
    }

    [Test]
    public void AnUnfinishedLastLineIsSkippedWithAWarning()
    {
        // What a search that is still running (or was killed mid-write) leaves: a last line with no newline.
        using var run = new SyntheticRun();
        var log = ReadText(run, "{\"iteration\":0,\"train_loss\":2.5}\n{\"iteration\":1,\"train_lo");
        Assert.That(log.Rows, Has.Count.EqualTo(1));
        Assert.That(log.Warnings, Has.Count.EqualTo(1));
        Assert.That(log.Warnings[0], Does.Contain("line 2"));
    }

    [Test]
    public void AFileStillOpenForWritingCanBeRead()
    {
        using var run = new SyntheticRun();
        string path = run.PathOf("metrics.jsonl");
        using var writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
        writer.Write("{\"iteration\":0,\"train_loss\":2.5}\n");
        writer.Flush();
        Assert.That(MetricsFile.Read(path).Rows, Has.Count.EqualTo(1));
    }

    [Test]
    public void RowsWithoutIterationOrEpochAreNumbered()
    {
        using var run = new SyntheticRun();
        var log = ReadText(run, "{\"train_loss\":3}\n{\"train_loss\":2}\n");
        Assert.That(log.XKey, Is.Null);
        Assert.That(log.Series("train_loss").X, Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void MovingAverageKeepsLengthAndShrinksAtTheEnds()
    {
        var smooth = CurvesPlot.MovingAverage([1, 2, 3, 4, 5], 3);
        Assert.That(smooth, Is.EqualTo(new[] { 1.5, 2, 3, 4, 4.5 }).Within(1e-12));
    }
}
