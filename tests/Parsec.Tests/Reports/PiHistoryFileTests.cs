using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Reports;

[TestFixture]
public class PiHistoryFileTests
{
    private static string Uniform(int n) => "[" + string.Join(",", Enumerable.Repeat((1.0 / n).ToString("R", System.Globalization.CultureInfo.InvariantCulture), n)) + "]";

    private static string UniformCell(int opsPerTerm = 7, int terms = 8) =>
        $"{{\"inputs\":[{string.Join(",", Enumerable.Range(0, terms).Select(k => Uniform(k / 2 + 2)))}],\"ops\":[{string.Join(",", Enumerable.Range(0, terms).Select(_ => Uniform(opsPerTerm)))}]}}";

    private static string Line(int iteration, string normal, string reduce) => $"{{\"iteration\":{iteration},\"normal\":{normal},\"reduce\":{reduce}}}\n";

    private static PiHistory ReadText(SyntheticRun run, string text)
    {
        File.WriteAllText(run.PathOf("pi_history.jsonl"), text);
        return PiHistoryFile.Read(run.PathOf("pi_history.jsonl"));
    }

    [Test]
    public void ReadsShapesAndMostLikelyArchitecture()
    {
        using var run = new SyntheticRun().WithPiHistory(5, every: 100);
        var history = PiHistoryFile.Read(run.PathOf("pi_history.jsonl"));
        Assert.That(history.Snapshots.Select(s => s.Iteration), Is.EqualTo(new long[] { 0, 100, 200, 300, 400 }));
        var last = history.Snapshots[^1];
        Assert.That(last.Normal.Inputs.Select(p => p.Length), Is.EqualTo(new[] { 2, 2, 3, 3, 4, 4, 5, 5 }));
        Assert.That(last.Normal.Ops, Has.All.Matches<double[]>(p => p.Length == SearchSpace.Darts.Ops.Count));

        // The synthetic pi makes term k prefer op (3k) mod 7 and input k mod (k/2 + 2) in the normal cell.
        var genotype = last.MostLikelyGenotype();
        genotype.Validate();
        for (int k = 0; k < SearchSpace.Darts.Terms; k++)
        {
            Assert.That(genotype.Normal[k].Op, Is.EqualTo(SearchSpace.Darts.Ops[3 * k % 7]));
            Assert.That(genotype.Normal[k].Input, Is.EqualTo(k % (k / 2 + 2)));
        }
    }

    [Test]
    public void WrongNumberOfTermsNamesLineAndField()
    {
        using var run = new SyntheticRun();
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, Line(0, UniformCell(), UniformCell()) + Line(1, UniformCell(), UniformCell(terms: 7))))!;
        Assert.That(e.LineNumber, Is.EqualTo(2));
        Assert.That(e.Reason, Does.Contain("reduce.inputs").And.Contain("7 terms"));
    }

    [Test]
    public void WrongNumberOfOpsIsAnError()
    {
        using var run = new SyntheticRun();
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, Line(0, UniformCell(opsPerTerm: 8), UniformCell())))!;
        Assert.That(e.LineNumber, Is.EqualTo(1));
        Assert.That(e.Reason, Does.Contain("normal.ops[0]"));
    }

    [Test]
    public void LogitsInsteadOfProbabilitiesAreCaught()
    {
        using var run = new SyntheticRun();
        string cell = UniformCell().Replace(Uniform(2), "[0.9,0.6]");
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, Line(0, cell, UniformCell())))!;
        Assert.That(e.Reason, Does.Contain("normal.inputs[0]").And.Contain("sums to"));
    }

    [Test]
    public void MissingCellIsAnError()
    {
        using var run = new SyntheticRun();
        var e = Assert.Throws<RunFileFormatException>(() => ReadText(run, $"{{\"iteration\":0,\"normal\":{UniformCell()}}}\n"))!;
        Assert.That(e.Reason, Does.Contain("'reduce'"));
    }
}
