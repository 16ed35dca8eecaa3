using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Estimator;
using Parsec.Search.Model;
using Parsec.Search.Prior;

namespace Parsec.Tests.Search;

/// <summary>
/// A tape with deferred updates runs a sampled architecture of the shared network without writing anything shared:
/// the weights' gradient buffers and the batch-norm running statistics stay as they were, the tape's own buffers
/// hold exactly the gradients a plain tape accumulates (for the weights the architecture used, and no others), and
/// folding in its batch statistics moves the running statistics as the plain pass did.
/// </summary>
public class DeferredUpdatesTests
{
    [Test]
    public void ADeferredPassWritesOnlyItsOwnBuffersAndReplaysTheSameUpdates()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var options = TinyNetworks.Options(DType.Float64);
        using var plain = Network.CreateShared(backend, options, new Rng(3));
        using var deferred = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        var architecture = new ArchitecturePrior().Sample(new Rng(8));
        using var tape = new Tape(backend);

        foreach (var w in plain.Parameters.Weights) Parameters.ZeroGrad(w);
        tape.Backward(tape.SoftmaxCrossEntropy(plain.Forward(tape, images, architecture, ForwardMode.Training).Logits, labels).Loss);
        tape.Reset();

        foreach (var w in deferred.Parameters.Weights) backend.Fill(w.Grad!.Storage, 7); // stale values that must survive
        var buffersBefore = deferred.Parameters.Buffers.Select(b => b.ToDoubleArray()).ToList();
        using var updates = new DeferredUpdates(backend);
        tape.Deferred = updates;
        tape.Backward(tape.SoftmaxCrossEntropy(deferred.Forward(tape, images, architecture, ForwardMode.Training).Logits, labels).Loss);
        tape.Reset();
        tape.Deferred = null;

        Assert.That(deferred.Parameters.Weights.Select(w => w.Grad!.ToDoubleArray()), Is.All.All.EqualTo(7), "shared gradients untouched");
        Assert.That(deferred.Parameters.Buffers.Select(b => b.ToDoubleArray()), Is.EqualTo(buffersBefore), "running statistics untouched");
        Assert.That(updates.Parameters, Has.Count.GreaterThan(0).And.Count.LessThan(deferred.Parameters.Weights.Count / 2),
            "a sampled architecture uses a small part of the shared weights");
        for (int p = 0; p < plain.Parameters.Weights.Count; p++)
        {
            var expected = plain.Parameters.Weights[p].Grad!.ToDoubleArray();
            var own = updates.GradientOf(deferred.Parameters.Weights[p]);
            if (own is null) Assert.That(expected, Is.All.EqualTo(0), $"{plain.Parameters.Weights[p].Name} has a gradient but no deferred buffer");
            else Assert.That(own.ToDoubleArray(), Is.EqualTo(expected), plain.Parameters.Weights[p].Name);
        }

        Assert.That(updates.Statistics, Has.Count.GreaterThan(0));
        SampleReduction.ApplyRunningStatistics([updates]);
        int moved = 0;
        for (int b = 0; b < plain.Parameters.Buffers.Count; b++)
        {
            var expected = plain.Parameters.Buffers[b].ToDoubleArray();
            var actual = deferred.Parameters.Buffers[b].ToDoubleArray();
            if (!expected.SequenceEqual(buffersBefore[b])) moved++;
            // (1 - m) r + m s: computed in double and rounded once by both, but not as the same expression.
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-15 * Math.Max(1, Math.Abs(expected[i]))), plain.Parameters.Buffers[b].Name);
        }
        Assert.That(moved, Is.GreaterThan(0), "the pass updated some running statistics");
        images.Dispose();
        labels.Dispose();
    }
}
