using Parsec.Search.Model.Layers;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Meta;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class NetworkTests
{
    [Test]
    public void SharedNetworkRunsAnySampledArchitectureForwardAndBackward()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options();
        using var net = Network.CreateShared(backend, options, new Rng(1));
        var (x, y) = TinyNetworks.Batch(backend, options);
        var prior = new ArchitecturePrior();
        var rng = new Rng(2);
        using var tape = new Tape(backend);
        for (int s = 0; s < 3; s++)
        {
            var arch = prior.Sample(rng);
            var output = net.Forward(tape, x, arch, ForwardMode.Training);
            Assert.That(output.Logits.Shape, Is.EqualTo(new[] { 4, options.Classes }));
            var ce = tape.SoftmaxCrossEntropy(output.Logits, y);
            Assert.That(double.IsFinite(ce.Loss.Item()), Is.True);
            tape.Backward(ce.Loss);
            tape.Reset();
        }
        Assert.That(net.Parameters.Weights.All(w => backend.AllFinite(w.Grad!.Storage)), Is.True);
        // Some weights of unsampled ops never received a gradient; the stem always does.
        Assert.That(backend.SumOfSquares(net.Parameters["stem.0.weight"].Grad!.Storage), Is.GreaterThan(0));
    }

    [Test]
    public void ParameterNamesFollowTheModuleStructure()
    {
        using var backend = new MetaBackend();
        using var net = Network.CreateShared(backend, TinyNetworks.Options(), new Rng(1));
        var names = net.Parameters.All.Select(t => t.Name!).ToHashSet();
        Assert.That(names, Does.Contain("stem.0.weight"));
        Assert.That(names, Does.Contain("stem.1.running_var"));
        Assert.That(names, Does.Contain("cells.0.preprocess0.op.1.weight"));
        Assert.That(names, Does.Contain("cells.2.preprocess0.conv_1.weight"), "cell 2 follows a reduction: factorized preprocessing");
        Assert.That(names, Does.Contain("cells.0.node1.input2.sep_conv_3x3.op.7.running_mean"));
        Assert.That(names, Does.Contain("cells.1.node0.input0.skip_connect.conv_2.weight"), "stride-2 skip is a factorized reduction");
        Assert.That(names, Does.Contain("cells.0.node3.input4.max_pool_3x3.1.running_var"), "search-phase pools have a batch norm");
        Assert.That(names, Does.Contain("classifier.bias"));
        Assert.That(names.Count(n => n.StartsWith("cells.0.") && n.Contains("sep_conv_5x5.op.1.weight")), Is.EqualTo(SearchSpace.Darts.Edges));
    }

    [Test]
    public void FixedNetworkHoldsOnlyItsGenotypeAndMatchesDartsEvaluationLayout()
    {
        using var backend = new MetaBackend();
        var terms = Enumerable.Range(0, SearchSpace.Darts.Terms).Select(k => new GenotypeTerm(Primitives.SepConv3x3, k % 2)).ToList();
        var genotype = new Genotype(terms, terms);
        var options = TinyNetworks.Options() with { Phase = NetworkPhase.Evaluation };
        using var fixedNet = Network.CreateFixed(backend, options, genotype, new Rng(1));
        using var shared = Network.CreateShared(backend, options, new Rng(1));
        Assert.That(fixedNet.Parameters.WeightElementCount, Is.LessThan(shared.Parameters.WeightElementCount / 4));
        Assert.That(fixedNet.Parameters.All.Any(t => t.Name!.Contains(".term1.")), Is.True);
        Assert.That(fixedNet.Parameters.All.Any(t => t.Name!.Contains("pool") && t.Name.Contains("running")), Is.False, "evaluation pools have no batch norm");
        Assert.That(fixedNet.Parameters.All.Any(t => t.Name == "cells.0.preprocess1.op.2.weight"), Is.True, "evaluation batch norms are affine");
    }

    [Test]
    public void AuxiliaryHeadAndDropPathRunInTrainingMode()
    {
        using var backend = TinyNetworks.Cpu();
        var genotype = new ArchitecturePrior().Sample(new Rng(3)).ToGenotype();
        var options = TinyNetworks.Options() with
        {
            Phase = NetworkPhase.Evaluation, Auxiliary = AuxiliaryClassifier.AtTwoThirdsDepth, DropPathProbability = 0.2, Layers = 3,
        };
        using var net = Network.CreateFixed(backend, options, genotype, new Rng(1));
        // The auxiliary head reads cell 2 (the second reduction): 32x32 inputs give it 8x8 features.
        var (x, y) = TinyNetworks.Batch(backend, options, batch: 2, side: 32);
        using var tape = new Tape(backend);
        var output = net.Forward(tape, x, new ForwardMode(NormMode.Training, new Rng(5)));
        Assert.That(output.AuxiliaryLogits, Is.Not.Null);
        var loss = tape.Add(tape.SoftmaxCrossEntropy(output.Logits, y).Loss, tape.Scale(tape.SoftmaxCrossEntropy(output.AuxiliaryLogits!, y).Loss, 0.4));
        tape.Backward(loss);
        Assert.That(backend.SumOfSquares(net.Parameters["auxiliary_head.features.2.weight"].Grad!.Storage), Is.GreaterThan(0));
        tape.Reset();
        var evaluation = net.Forward(tape, x, ForwardMode.Evaluation);
        Assert.That(evaluation.AuxiliaryLogits, Is.Null);
    }

    /// <summary>
    /// 28x28 images (MNIST, Fashion-MNIST) give 7x7 features at 2L/3: the head's 5x5 pool then takes stride 2 to
    /// leave the 2x2 its 2x2 convolution needs; 8..10 keep DARTS' stride 3; sides outside 6..10 are refused.
    /// </summary>
    [Test]
    public void TheAuxiliaryHeadTakesTheSevenPixelFeaturesOf28PixelImages()
    {
        Assert.That(Enumerable.Range(5, 7).Select(AuxiliaryHead.PoolStride), Is.EqualTo(new int?[] { null, 1, 2, 3, 3, 3, null }));
        using var backend = TinyNetworks.Cpu();
        var genotype = new ArchitecturePrior().Sample(new Rng(4)).ToGenotype();
        var options = TinyNetworks.Options() with { Phase = NetworkPhase.Evaluation, Auxiliary = AuxiliaryClassifier.AtTwoThirdsDepth, Layers = 3 };
        using var net = Network.CreateFixed(backend, options, genotype, new Rng(1));
        var (x, y) = TinyNetworks.Batch(backend, options, batch: 2, side: 28);
        using var tape = new Tape(backend);
        var output = net.Forward(tape, x, new ForwardMode(NormMode.Training, new Rng(5)));
        Assert.That(output.AuxiliaryLogits!.Shape, Is.EqualTo(new[] { 2, options.Classes }));
        tape.Backward(tape.SoftmaxCrossEntropy(output.AuxiliaryLogits!, y).Loss);
        Assert.That(backend.SumOfSquares(net.Parameters["auxiliary_head.features.5.weight"].Grad!.Storage), Is.GreaterThan(0));
        Assert.That(() => AuxiliaryHead.RequireFits(28, 28), Throws.Nothing);
        Assert.That(() => AuxiliaryHead.RequireFits(16, 16), Throws.TypeOf<Parsec.Search.BadInputException>().With.Message.Contains("--no-auxiliary"));
    }

    [Test]
    public void MixedForwardRunsEveryCandidate()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options();
        using var net = Network.CreateShared(backend, options, new Rng(1));
        var (x, y) = TinyNetworks.Batch(backend, options);
        using var tape = new Tape(backend);
        var logits = net.ForwardMixed(tape, x, MixedOpWeights.Random(SearchSpace.Darts, new Rng(4)), NormMode.Training);
        tape.Backward(tape.SoftmaxCrossEntropy(logits, y).Loss);
        // Every primitive of every edge took part: all conv weights of cell 0 have a gradient.
        foreach (var w in net.Parameters.Weights.Where(w => w.Name!.StartsWith("cells.0.node") && w.Name.EndsWith(".op.1.weight")))
            Assert.That(backend.SumOfSquares(w.Grad!.Storage), Is.GreaterThan(0), w.Name);
    }

    [Test]
    public void ImageSizeTheReductionsCannotHalveIsAClearError()
    {
        using var backend = new MetaBackend();
        using var net = Network.CreateShared(backend, TinyNetworks.Options(), new Rng(1));
        var (x, _) = TinyNetworks.Batch(backend, TinyNetworks.Options(), side: 6);
        using var tape = new Tape(backend);
        var arch = new ArchitecturePrior().MostLikely();
        Assert.That(() => net.Forward(tape, x, arch, ForwardMode.Training), Throws.ArgumentException.With.Message.Contains("divisible by 4"));
    }
}
