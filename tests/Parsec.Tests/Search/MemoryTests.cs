using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Meta;
using Parsec.Search.Memory;
using Parsec.Search.Model;
using Parsec.Search.Model.Ops;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class MemoryTests
{
    private static readonly FootprintConfiguration Small = new(new NetworkOptions { Channels = 8, Layers = 5, Classes = 10 }, BatchSize: 16, ImageSize: 16);

    [Test]
    public void SupernetActivationsExceedASampledArchitecturesByRoughlyTheCandidateCount()
    {
        var footprints = MemoryFootprint.Compare(Small);
        var sampled = footprints.Single(f => f.Case == FootprintCase.SampledArchitecture);
        var single = footprints.Single(f => f.Case == FootprintCase.SingleArchitecture);
        var supernet = footprints.Single(f => f.Case == FootprintCase.DartsSupernet);

        // Both hold every candidate's weights; one architecture's network holds far fewer.
        Assert.That(supernet.WeightBytes, Is.EqualTo(sampled.WeightBytes));
        Assert.That(single.WeightBytes, Is.LessThan(sampled.WeightBytes / 4));
        Assert.That(sampled.WeightGradientBytes, Is.EqualTo(sampled.WeightBytes));
        Assert.That(sampled.OptimizerStateBytes, Is.EqualTo(sampled.WeightBytes), "SGD momentum: one buffer per weight");

        // A sampled cell runs 8 ops; a DARTS cell runs 8 candidates on each of 14 edges. Ops differ in size
        // (a sep_conv keeps far more than a pool), so the ratio is of the order of the candidate count, not exactly it.
        double ratio = (double)supernet.ActivationBytesAtPeak / sampled.ActivationBytesAtPeak;
        int candidates = OpFactory.SupernetCandidates(SearchSpace.Darts).Count;
        TestContext.Out.WriteLine($"activation ratio supernet / sampled: {ratio:0.00} ({candidates} candidates per edge)");
        Assert.That(ratio, Is.InRange(candidates / 2.0, 2.0 * candidates));
        Assert.That(MemoryReport.SupernetRatio(footprints).Total, Is.GreaterThan(3));
    }

    [Test]
    public void ASearchIterationCountsEverySamplesOwnGradientsAndTheSamplesInFlight()
    {
        var footprints = MemoryFootprint.Compare(Small with { IterationSamples = 6, InFlight = 2 });
        var sampled = footprints.Single(f => f.Case == FootprintCase.SampledArchitecture);
        var single = footprints.Single(f => f.Case == FootprintCase.SingleArchitecture);
        // A sample's own gradients cover the weights its ops use (about one architecture's worth, never the bank)
        // plus its batch statistics (two per batch norm it ran, each a few channels).
        Assert.That(sampled.SampleUpdateBytes, Is.GreaterThan(single.WeightBytes / 2).And.LessThan(sampled.WeightBytes / 2));
        Assert.That(footprints.Where(f => f.Case != FootprintCase.SampledArchitecture).Select(f => f.SampleUpdateBytes), Is.All.EqualTo(0));
        Assert.That(sampled.IterationBytes(6, 2), Is.EqualTo(sampled.PersistentBytes + 2 * sampled.StepPeakBytes + 6 * sampled.SampleUpdateBytes));
        Assert.That(sampled.IterationBytes(6, 10), Is.EqualTo(sampled.IterationBytes(6, 6)), "no more in flight than there are samples");
        var json = MemoryReport.ToJson(Small with { IterationSamples = 6, InFlight = 2 }, footprints)["iteration"]!;
        Assert.That((long)json["iteration_bytes"]!, Is.EqualTo(sampled.IterationBytes(6, 2)));
        Assert.That((long)json["per_sample_bytes"]!, Is.EqualTo(sampled.StepPeakBytes + sampled.SampleUpdateBytes));
    }

    [Test]
    public void MetaBackendCountsWhatTheCpuBackendHolds()
    {
        var options = TinyNetworks.Options();
        var architecture = new ArchitecturePrior().Sample(new Rng(6));
        using var cpu = new Parsec.Autodiff.Cpu.CpuBackend();
        using var meta = new MetaBackend();
        var (peakCpu, weightsCpu) = Measure(cpu);
        var (peakMeta, weightsMeta) = Measure(meta);
        Assert.That(peakMeta, Is.EqualTo(peakCpu));
        Assert.That(weightsMeta, Is.EqualTo(weightsCpu));

        (long Peak, long Weights) Measure(IBackend backend)
        {
            using var network = Network.CreateShared(backend, options, new Rng(1));
            var (images, labels) = TinyNetworks.Batch(backend, options);
            using var tape = new Tape(backend);
            tape.SoftmaxCrossEntropy(network.Forward(tape, images, architecture, ForwardMode.Training).Logits, labels);
            long peak = tape.PlanLifetimes().PeakBytes();
            tape.Reset();
            images.Dispose();
            labels.Dispose();
            return (peak, backend.Memory.Live(BufferCategory.Weights));
        }
    }

    [Test]
    public void MetaBackendRejectsBuffersThatDoNotFitTheGeometry()
    {
        using var meta = new MetaBackend();
        using var x = Tensor.Empty(meta, [2, 4, 8, 8], DType.Float32, BufferCategory.Inputs);
        using var w = Tensor.Empty(meta, [6, 4, 3, 3], DType.Float32, BufferCategory.Weights);
        using var y = Tensor.Empty(meta, [2, 6, 8, 7], DType.Float32, BufferCategory.Activations);
        var geometry = new Conv2dGeometry(x.Shape4, 6, 3, 1, 1, 1, 1);
        Assert.That(() => meta.Conv2dForward(new Conv2dForwardArgs(geometry, x.Storage, w.Storage, y.Storage)), Throws.ArgumentException.With.Message.Contains("the output must hold 768"));
        using var labels = Tensor.Empty(meta, [2], DType.Float32, BufferCategory.Inputs);
        Assert.That(() => meta.CopyIn(labels.Storage, new int[2]), Throws.ArgumentException.With.Message.Contains("holds Float32"));
        Assert.That(meta.AllFinite(x.Storage), Is.True);
        var read = new float[x.Length];
        read[0] = 1;
        meta.CopyOut(x.Storage, read);
        Assert.That(read.All(v => v == 0), Is.True, "the meta backend has no values: reads give zeros");
    }
}
