using NUnit.Framework;
using Parsec.Search.Reports;

namespace Parsec.Tests.Reports;

[TestFixture]
public class MetricsCsvTests
{
    private static string[] WriteAndRead(SyntheticRun run, string jsonl)
    {
        File.WriteAllText(run.PathOf("metrics.jsonl"), jsonl);
        MetricsCsv.WriteBeside(run.PathOf("metrics.jsonl"));
        return File.ReadAllText(run.PathOf(MetricsCsv.FileName)).Split('\n');
    }

    [Test]
    public void ColumnsAreTheScalarFieldsInFirstSeenOrderAndNumbersAreCopiedAsWritten()
    {
        using var run = new SyntheticRun();
        var lines = WriteAndRead(run,
            "{\"iteration\":1,\"train_loss\":2.302585092994046,\"warmup\":true,\"weights\":[0.5,0.5]}\n" +
            "{\"iteration\":2,\"train_loss\":1.5e-3,\"warmup\":false,\"val_acc\":0.125,\"note\":null}\n");
        Assert.That(lines[0], Is.EqualTo("iteration,train_loss,warmup,val_acc,note"), "arrays stay in metrics.jsonl; later fields are appended");
        Assert.That(lines[1], Is.EqualTo("1,2.302585092994046,true,,"), "a field missing from a line is an empty cell");
        Assert.That(lines[2], Is.EqualTo("2,1.5e-3,false,0.125,"));
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[3], Is.Empty, "the file ends with a newline");
    }

    [Test]
    public void TextWithCommasQuotesAndNewlinesIsQuoted()
    {
        using var run = new SyntheticRun();
        WriteAndRead(run, "{\"iteration\":1,\"event\":\"lr cut, \\\"plateau\\\"\\nat 1\"}\n");
        Assert.That(File.ReadAllText(run.PathOf(MetricsCsv.FileName)), Is.EqualTo("iteration,event\n1,\"lr cut, \"\"plateau\"\"\nat 1\"\n"));
    }

    [Test]
    public void ItIsRewrittenWholeSoATruncatedLogLeavesNoStaleRows()
    {
        using var run = new SyntheticRun().WithSearchMetrics(30);
        MetricsCsv.WriteBeside(run.PathOf("metrics.jsonl"));
        Assert.That(File.ReadAllLines(run.PathOf(MetricsCsv.FileName)), Has.Length.EqualTo(1 + 30));

        // A resumed run drops the lines after its checkpoint; the CSV follows.
        File.WriteAllLines(run.PathOf("metrics.jsonl"), File.ReadAllLines(run.PathOf("metrics.jsonl")).Take(12));
        MetricsCsv.WriteBeside(run.PathOf("metrics.jsonl"));
        var rows = File.ReadAllLines(run.PathOf(MetricsCsv.FileName));
        Assert.That(rows, Has.Length.EqualTo(1 + 12));
        Assert.That(rows.Last().Split(',')[0], Is.EqualTo("11"));
        Assert.That(Directory.GetFiles(run.Directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "metrics.jsonl", MetricsCsv.FileName }), "no temporary file is left");
    }

    [Test]
    public void AnEmptyLogGivesAnEmptyFile()
    {
        using var run = new SyntheticRun();
        WriteAndRead(run, "");
        Assert.That(File.ReadAllText(run.PathOf(MetricsCsv.FileName)), Is.Empty);
    }
}
