using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

/// <summary>
/// The fixed-order reduction of per-sample gradients (samples run on two workers, each gradient in its own buffers)
/// against the one-pass accumulator, which rescales shared buffers with a running log-sum-exp: real tape gradients of a
/// tiny network in Float64.
/// </summary>
internal class SampleReductionTests
{
    private sealed record Sample(double LogLikelihood, DeferredUpdates Updates) : IDisposable
    {
        public void Dispose() => Updates.Dispose();
    }

    /// <summary>
    /// Same omega, and the same gradient for every weight to 1e-12 of the largest (the two sum in different orders and
    /// rescale differently, so not bit for bit), unused weights included: their stale values are replaced by zeros. The
    /// accumulator sees the samples in increasing likelihood, so that it rescales at every sample.
    /// </summary>
    [TestCase(WeightGradient.Importance)]
    [TestCase(WeightGradient.Equal)]
    public void TheFixedOrderReductionEqualsTheOnePassAccumulator(WeightGradient mode)
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options(DType.Float64);
        using var reference = Network.CreateShared(backend, options, new Rng(3));
        using var network = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        var prior = new ArchitecturePrior();
        var rng = new Rng(12);
        var architectures = Enumerable.Range(0, 5).Select(_ => prior.Sample(rng)).ToList();

        using var workers = new SampleWorkers(backend, 2);
        var samples = workers.Run(architectures.Count, (tape, k) => Train(tape, network, images, labels, architectures[k]));
        foreach (var w in network.Parameters.Weights) backend.Fill(w.Grad!.Storage, 7);
        var omega = new SampleReduction(network.Parameters.Weights)
            .ReduceGradients(samples.Select(s => s.Updates).ToList(), samples.Select(s => s.LogLikelihood).ToList(), mode);

        var order = Enumerable.Range(0, architectures.Count).OrderBy(k => samples[k].LogLikelihood).ToList();
        using var tape = new Tape(backend);
        var (expectedOmega, likelihoods) = EstimatorTests.Accumulate(reference, tape, images, labels, order.Select(k => architectures[k]).ToList(), mode);
        Assert.That(likelihoods, Is.EqualTo(order.Select(k => samples[k].LogLikelihood)), "the workers' forward passes are the plain ones");
        Assert.That(order.Select(k => omega[k]), Is.EqualTo(expectedOmega).Within(1e-15));
        if (mode == WeightGradient.Importance) Assert.That(omega.Max(), Is.LessThan(0.999), "omega must not be one-hot, or the test shows little");

        double worst = 0, largest = 0;
        for (int p = 0; p < network.Parameters.Weights.Count; p++)
        {
            var actual = network.Parameters.Weights[p].Grad!.ToDoubleArray();
            var expected = reference.Parameters.Weights[p].Grad!.ToDoubleArray();
            for (int i = 0; i < actual.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
                largest = Math.Max(largest, Math.Abs(expected[i]));
            }
        }
        Assert.That(largest, Is.GreaterThan(1e-3));
        Assert.That(worst, Is.LessThan(1e-12 * largest), $"largest difference {worst:E2} (gradients up to {largest:E2})");
        foreach (var s in samples) s.Dispose();
        images.Dispose();
        labels.Dispose();
    }

    /// <summary>
    /// A sample whose importance weight underflows to exactly 0 is left out of the sum, as the one-pass accumulator
    /// skipped its backward pass: even a non-finite gradient of it does not reach the weights.
    /// </summary>
    [Test]
    public void ASampleWeightedZeroAddsNothingEvenWhenItsGradientIsNotFinite()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options(DType.Float64);
        using var network = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        var prior = new ArchitecturePrior();
        var rng = new Rng(5);
        var architectures = Enumerable.Range(0, 3).Select(_ => prior.Sample(rng)).ToList();
        using var workers = new SampleWorkers(backend, 1);
        var samples = workers.Run(architectures.Count, (tape, k) => Train(tape, network, images, labels, architectures[k]));
        var reduction = new SampleReduction(network.Parameters.Weights);
        var updates = samples.Select(s => s.Updates).ToList();

        reduction.ReduceGradients(updates[..2], samples[..2].Select(s => s.LogLikelihood).ToList(), WeightGradient.Importance);
        var withoutThird = network.Parameters.Weights.Select(w => w.Grad!.ToDoubleArray()).ToList();
        foreach (var w in updates[2].Parameters) backend.Fill(updates[2].GradientOf(w)!.Storage, double.NaN);
        var logLikelihoods = samples.Select(s => s.LogLikelihood).ToList();
        logLikelihoods[2] = logLikelihoods.Min() - 1e4; // exp(-1e4) is 0 in double
        var omega = reduction.ReduceGradients(updates, logLikelihoods, WeightGradient.Importance);

        Assert.That(omega[2], Is.EqualTo(0));
        Assert.That(network.Parameters.Weights.Select(w => w.Grad!.ToDoubleArray()), Is.EqualTo(withoutThird));
        foreach (var s in samples) s.Dispose();
        images.Dispose();
        labels.Dispose();
    }

    /// <summary>
    /// Folding in the samples' batch statistics, one weighted sum per running buffer, moves the running statistics as
    /// running the samples one after another on a plain tape does (Float64, to rounding): the stem's and the cells'
    /// preprocessing norms are updated by every sample, some ops' norms by several.
    /// </summary>
    [Test]
    public void FoldingInTheBatchStatisticsEqualsUpdatingThemSampleAfterSample()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options(DType.Float64);
        using var sequential = Network.CreateShared(backend, options, new Rng(3));
        using var network = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        var prior = new ArchitecturePrior(TermInputs.Independent); // a node's two terms may run the same op: two updates in one sample
        var rng = new Rng(21);
        var architectures = Enumerable.Range(0, 6).Select(_ => prior.Sample(rng)).ToList();
        using var tape = new Tape(backend);
        foreach (var a in architectures)
        {
            tape.Backward(tape.SoftmaxCrossEntropy(sequential.Forward(tape, images, a, ForwardMode.Training).Logits, labels).Loss);
            tape.Reset();
        }

        using var workers = new SampleWorkers(backend, 3);
        var samples = workers.Run(architectures.Count, (t, k) => Train(t, network, images, labels, architectures[k]));
        SampleReduction.ApplyRunningStatistics(samples.Select(s => s.Updates));

        var updatesPerBuffer = samples.SelectMany(s => s.Updates.Statistics).GroupBy(s => s.Running).Select(g => g.Count()).ToList();
        Assert.That(updatesPerBuffer.Max(), Is.EqualTo(architectures.Count), "some buffers are updated by every sample");
        for (int b = 0; b < network.Parameters.Buffers.Count; b++)
        {
            var expected = sequential.Parameters.Buffers[b].ToDoubleArray();
            var actual = network.Parameters.Buffers[b].ToDoubleArray();
            for (int i = 0; i < expected.Length; i++)
                Assert.That(actual[i], Is.EqualTo(expected[i]).Within(1e-14 * Math.Max(1, Math.Abs(expected[i]))), network.Parameters.Buffers[b].Name);
        }
        foreach (var s in samples) s.Dispose();
        images.Dispose();
        labels.Dispose();
    }

    /// <summary>One sample's own gradient of its mean cross-entropy, as the search's workers compute it.</summary>
    private static Sample Train(Tape tape, Network network, Tensor images, Tensor labels, Architecture architecture)
    {
        var updates = new DeferredUpdates(tape.Backend);
        tape.Deferred = updates;
        var crossEntropy = tape.SoftmaxCrossEntropy(network.Forward(tape, images, architecture, ForwardMode.Training).Logits, labels);
        tape.Backward(crossEntropy.Loss);
        return new Sample(crossEntropy.LogLikelihoodSum, updates);
    }
}
