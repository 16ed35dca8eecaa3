using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Loop;
using Parsec.Search.Model;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

/// <summary>First-order DARTS on the shared network: its architecture gradient, its derivation rule and its search run.</summary>
public class DartsTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("parsec-darts-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// dL/dalpha of the supernet's mean cross-entropy (mixed ops' weight gradients chained through each edge's softmax)
    /// against central differences, in float64 on a network of two cells, for entries of both cell types, `none`
    /// included, on edges from both cell inputs and from intermediate nodes.
    /// </summary>
    [Test]
    public void TheArchitectureGradientMatchesFiniteDifferences()
    {
        using var backend = new CpuBackend();
        var options = TinyNetworks.Options(DType.Float64, layers: 2);
        using var network = Network.CreateShared(backend, options, new Rng(1));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 4);
        var logits = Enumerable.Range(0, MixedOpWeights.Count(SearchSpace.Darts)).Select(i => 0.5 * Math.Sin(i * 1.7)).ToArray();

        double Loss(double[] alpha, MixedOpWeights? tracked = null)
        {
            using var tape = new Tape(backend);
            var weights = tracked ?? new MixedOpWeights(SearchSpace.Darts, alpha);
            var loss = tape.SoftmaxCrossEntropy(network.ForwardMixed(tape, images, weights, NormMode.Training), labels);
            if (tracked is null) return loss.Loss.Item();
            tape.Backward(loss.Loss);
            return loss.Loss.Item();
        }

        var alphaWithGradient = new MixedOpWeights(SearchSpace.Darts, (double[])logits.Clone(), trackGradients: true);
        Loss(logits, alphaWithGradient);
        var analytic = alphaWithGradient.LogitGradient();
        int candidates = alphaWithGradient.Candidates;
        // (cell type, edge, candidate): normal edge 0 (c_{k-2}) none and a pool; normal edge 13 (node 3 <- node 2); a reduction edge's convolution.
        var entries = new[] { (0, 0, 0), (0, 0, 2), (0, 13, 5), (1, 1, 4), (1, 9, 7) }.Select(e => (e.Item1 * 14 + e.Item2) * candidates + e.Item3).ToArray();
        const double h = 1e-5;
        foreach (int i in entries)
        {
            var up = (double[])logits.Clone();
            var down = (double[])logits.Clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (Loss(up) - Loss(down)) / (2 * h);
            Assert.That(analytic[i], Is.EqualTo(numeric).Within(1e-6 * Math.Max(1e-3, Math.Abs(numeric))), $"alpha[{i}]");
        }
        Assert.That(entries.Select(i => Math.Abs(analytic[i])).Max(), Is.GreaterThan(1e-6), "a vacuous check");
        Assert.That(Enumerable.Range(0, 28).Select(e => Enumerable.Range(0, candidates).Sum(c => analytic[e * candidates + c])), Has.All.EqualTo(0).Within(1e-12),
            "a softmax's logits' gradient sums to zero per edge");
    }

    /// <summary>Per node the two edges whose best candidate other than `none` weighs most, each with that candidate, the stronger first.</summary>
    [Test]
    public void DerivationKeepsTheTwoStrongestEdgesPerNodeIgnoringNone()
    {
        var alpha = MixedOpWeights.Uniform(SearchSpace.Darts);
        int candidates = alpha.Candidates;
        void Set(CellType type, int node, int input, string op, double logit) =>
            alpha.Logits[((int)type * SearchSpace.Darts.Edges + CellLayout.EdgeIndex(node, input)) * candidates + alpha.CandidateNames.ToList().IndexOf(op)] = logit;
        // Node 1 (inputs 0, 1, 2): `none` dominates input 0 but does not count; input 2's sep_conv_3x3 is strongest, then input 1's avg pool.
        Set(CellType.Normal, 1, 0, OpFactory.None, 5);
        Set(CellType.Normal, 1, 1, Primitives.AvgPool3x3, 1.0);
        Set(CellType.Normal, 1, 2, Primitives.SepConv3x3, 2.0);
        Set(CellType.Reduce, 3, 4, Primitives.DilConv5x5, 3.0);
        var genotype = alpha.Derive();
        Assert.That(genotype.Normal[2], Is.EqualTo(new GenotypeTerm(Primitives.SepConv3x3, 2)));
        Assert.That(genotype.Normal[3], Is.EqualTo(new GenotypeTerm(Primitives.AvgPool3x3, 1)));
        Assert.That(genotype.Reduce[6], Is.EqualTo(new GenotypeTerm(Primitives.DilConv5x5, 4)));
        Assert.That(genotype.Normal.Concat(genotype.Reduce).Select(t => t.Op), Has.None.EqualTo(OpFactory.None));
        genotype.Validate();
    }

    private static SearchOptions Options() => SearchRunTests.Tiny(5) with { Strategy = SearchStrategy.Darts, CheckpointEvery = 100, PriorLearningRate = null };

    [Test]
    public void ADartsSearchLearnsAlphaWritesItsGenotypeAndResumesBitForBit()
    {
        var whole = RunFolder.CreateNew(_root, "whole", DateTime.Now);
        SearchResult result;
        using (var backend = new CpuBackend()) result = SearchRunner.Start(Options(), backend, whole);
        Assert.That(result.Outcome, Is.EqualTo(SearchOutcome.Completed));
        var saved = OptionsFile.Read(whole.Options);
        Assert.That((saved.PriorLearningRate, saved.Concurrency, saved.WarmupIterations(5)), Is.EqualTo((3e-4, 1, 0)), "DARTS' alpha step size, one pass at a time, no warm-up");

        var alpha = JsonNode.Parse(File.ReadAllText(whole.File(DartsAlphaFile.FileName)))!;
        var edge = alpha["normal"]!.AsArray()[0]!["weights"]!.AsObject();
        Assert.That(edge.Select(w => w.Value!.GetValue<double>()).Sum(), Is.EqualTo(1).Within(1e-12));
        Assert.That(edge.Select(w => w.Value!.GetValue<double>()).Distinct().Count(), Is.GreaterThan(1), "alpha moved away from uniform");
        Genotype.Load(whole.Genotype).Validate();
        Assert.That(File.Exists(whole.PiHistory), Is.False, "DARTS keeps no pi");
        Assert.That(result.LastMetrics!.ValAccuracy, Is.Not.Null);

        var split = RunFolder.CreateNew(_root, "split", DateTime.Now);
        using (var backend = new CpuBackend())
            Assert.That(SearchRunner.Start(Options(), backend, split, limits: new RunLimits(StopAfterIteration: 2)).Outcome, Is.EqualTo(SearchOutcome.Interrupted));
        Assert.That(File.Exists(split.Genotype), Is.False, "no result before the end");
        using (var backend = new CpuBackend()) SearchRunner.Resume(split, backend);
        Assert.That(File.ReadAllText(split.File(DartsAlphaFile.FileName)), Is.EqualTo(File.ReadAllText(whole.File(DartsAlphaFile.FileName))));
        var a = SafeTensorsReader.ReadFile(whole.Checkpoint);
        var b = SafeTensorsReader.ReadFile(split.Checkpoint);
        foreach (var t in a.Tensors)
            Assert.That(MemoryMarshal.AsBytes(b.Get(t.Name).Data.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(t.Data.AsSpan())), Is.True, $"tensor {t.Name} differs");
    }
}
