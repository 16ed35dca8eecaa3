using NUnit.Framework;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Parsec.Search.Reports;
using Parsec.Search.Space;

namespace Parsec.Tests.Reports;

[TestFixture]
public class CellGraphTests
{
    [Test]
    public void HasAnEdgePerTermLabelledWithItsOpAndConcatEdgesToTheOutput()
    {
        string dot = CellGraph.ToDot(SyntheticRun.Genotype);
        foreach (var (cell, terms) in new[] { ("normal", SyntheticRun.Genotype.Normal), ("reduce", SyntheticRun.Genotype.Reduce) })
        {
            Assert.That(dot, Does.Contain($"subgraph cluster_{cell}"));
            for (int k = 0; k < terms.Count; k++)
            {
                string edge = $"{CellGraph.NodeId(cell, terms[k].Input)} -> {CellGraph.NodeId(cell, k / 2 + 2)} [label=\"{terms[k].Op}\"";
                Assert.That(dot, Does.Contain(edge), $"{cell} term {k}");
            }
            for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
                Assert.That(dot, Does.Contain($"{CellGraph.NodeId(cell, node + 2)} -> {cell}_c_k "));
        }
        Assert.That(Regex.Matches(dot, @"\[label=""(max_pool|avg_pool|skip|sep_conv|dil_conv)").Count, Is.EqualTo(16));
        Assert.That(dot, Does.Contain("label=\"c_{k-2}\"").And.Contain("label=\"c_{k-1}\"").And.Contain("label=\"c_{k}\""));
    }

    /// <summary>The genotype's text and the cell graph name every node the same way: c_{k-2}, c_{k-1}, node 0 .. node 3.</summary>
    [Test]
    public void GenotypeTextAndCellGraphNameNodesAlike()
    {
        var genotype = SyntheticRun.Genotype;
        string text = genotype.ToString(), dot = CellGraph.ToDot(genotype);
        for (int node = 0; node < SearchSpace.Darts.Nodes; node++)
        {
            Assert.That(text, Does.Contain($"node {node} = "));
            Assert.That(dot, Does.Contain($"{CellGraph.NodeId("normal", node + 2)} [label=\"node {node}\""));
        }
        var first = genotype.Normal[0];
        Assert.That(text, Does.StartWith($"normal: node 0 = {first.Op}({CellLayout.InputName(first.Input)}) + "));
        Assert.That(text, Does.Not.Contain("<-"), "no raw input indices in the text");
    }

    [Test]
    public void GraphvizAcceptsTheGraph()
    {
        var renderer = new GraphvizRenderer();
        if (renderer.Executable is null)
            Assert.Ignore("Graphviz is not installed here");

        using var run = new SyntheticRun();
        string dotFile = run.PathOf("cells.dot");
        File.WriteAllText(dotFile, CellGraph.ToDot(SyntheticRun.Genotype, "title with \"quotes\""));

        // -Tplain lists the laid-out nodes: every node of both cells must be there, none invented by a typo.
        var start = new ProcessStartInfo(renderer.Executable!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-Tplain");
        start.ArgumentList.Add(dotFile);
        using var process = Process.Start(start)!;
        string plain = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), errors);
        Assert.That(errors, Is.Empty);
        var nodes = plain.Split('\n').Where(l => l.StartsWith("node ")).Select(l => l.Split(' ')[1]).ToList();
        Assert.That(nodes, Has.Count.EqualTo(2 * 7));

        var outcome = renderer.RenderPng(dotFile, run.PathOf("cells.png"));
        Assert.That(outcome.Rendered, Is.True, outcome.Message);
        PngAssert.IsDrawnPng(run.PathOf("cells.png"));
    }

    [Test]
    public void AFailingGraphvizRunIsReportedNotThrown()
    {
        var renderer = new GraphvizRenderer();
        if (renderer.Executable is null)
            Assert.Ignore("Graphviz is not installed here");

        using var run = new SyntheticRun();
        File.WriteAllText(run.PathOf("broken.dot"), "digraph { a -> ");
        var outcome = renderer.RenderPng(run.PathOf("broken.dot"), run.PathOf("broken.png"));
        Assert.That(outcome.Rendered, Is.False);
        Assert.That(outcome.Message, Does.Contain("broken.dot"));
        Assert.That(File.Exists(run.PathOf("broken.png")), Is.False);
        Assert.That(Directory.GetFiles(run.Directory).Select(Path.GetFileName), Is.EquivalentTo(new[] { "broken.dot" }));
    }
}
