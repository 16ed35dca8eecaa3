using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Meta;
using Parsec.Search.Data.Generated;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

public class SampleConcurrencyTests
{
    /// <summary>Everything a tiny search leaves: every parameter and buffer, SGD's momentum, pi's logits and Adam's moments, and the metrics.</summary>
    private sealed record Outcome(List<long[]> Tensors, List<long[]> Optimizer, long[] Logits, List<long[]> Prior, List<string> Metrics);

    /// <summary>
    /// A tiny search with importance-weighted gradients, K = 5 (3 of which train the weights) and two warm-up iterations
    /// then two that move pi, run by 1, 2 and 4 workers: the same bits everywhere. With 4 workers and 5 samples the
    /// workers take different numbers of samples and finish in no fixed order.
    /// </summary>
    [Test]
    public void OneTwoAndFourWorkersGiveTheSameSearchBitForBit()
    {
        var data = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: 48, ImageSize: 8, Seed: 3));
        var options = new SearchOptions
        {
            Channels = 4, Layers = 3, BatchSize = 6, Samples = 5, WeightSamples = 3, Iterations = 4, WarmupFraction = 0.5,
            WeightGradient = WeightGradient.Importance, PriorLearningRate = 0.1, Seed = 9,
        };
        var one = Run(options with { Concurrency = 1 }, data);
        Assert.That(one.Metrics, Has.Count.EqualTo(4));
        foreach (int workers in new[] { 2, 4 })
        {
            var other = Run(options with { Concurrency = workers }, data);
            Assert.That(other.Tensors, Is.EqualTo(one.Tensors), $"weights and running statistics with {workers} workers");
            Assert.That(other.Optimizer, Is.EqualTo(one.Optimizer), $"momentum with {workers} workers");
            Assert.That(other.Logits, Is.EqualTo(one.Logits), $"pi with {workers} workers");
            Assert.That(other.Prior, Is.EqualTo(one.Prior), $"pi's Adam state with {workers} workers");
            Assert.That(other.Metrics, Is.EqualTo(one.Metrics), $"metrics with {workers} workers");
        }
    }

    private static Outcome Run(SearchOptions options, Parsec.Search.Data.InMemoryDataset data)
    {
        using var backend = new CpuBackend();
        using var session = new SearchSession(options, backend, data);
        Assert.That(session.Options.Concurrency, Is.EqualTo(options.Concurrency));
        var metrics = new List<string>();
        while (!session.IsFinished)
        {
            var m = session.Step();
            // Times, rates and memory are the machine's; everything else is the computation's.
            double?[] values = [m.LearningRate, m.TrainLoss, m.TrainAccuracy, m.ValLoss, m.ValAccuracy, m.WeightEntropy, m.ValWeightEntropy,
                m.ValEffectiveSamples, m.PiEntropy, m.GradientNorm, .. m.ValOmega?.Select(w => (double?)w) ?? []];
            metrics.Add(string.Join(" ", values.Select(v => v is { } x ? BitConverter.DoubleToInt64Bits(x).ToString("x16") : "-")));
        }
        Assert.That(metrics.Count(m => !m.Contains('-')), Is.EqualTo(2), "two iterations moved pi");
        return new Outcome(
            session.Network.Parameters.All.Select(t => Bits(t.ToDoubleArray())).ToList(),
            Buffers(session.WeightOptimizer.ExportState()),
            Bits(session.Prior.Logits),
            Buffers(session.PriorOptimizer.ExportState()),
            metrics);
    }

    private static List<long[]> Buffers(OptimizerState state) => state.Buffers.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => Bits(b.Value)).ToList();

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    [Test]
    public void TheConcurrencyIsWhatWasAskedForAtMostKAndAutomaticFollowsTheBackend()
    {
        using var cpu = new CpuBackend();
        using var meta = new MetaBackend();
        Assert.That(SampleConcurrency.Choose(3, cpu, samples: 8, () => 0), Is.EqualTo(3));
        Assert.That(SampleConcurrency.Choose(12, cpu, samples: 8, () => 0), Is.EqualTo(8), "more workers than samples would idle");
        Assert.That(SampleConcurrency.Choose(null, cpu, samples: 64, () => 0), Is.EqualTo(Environment.ProcessorCount), "one per core on the CPU");
        Assert.That(SampleConcurrency.Choose(null, cpu, samples: 1, () => 0), Is.EqualTo(1));
        Assert.That(SampleConcurrency.Choose(null, meta, samples: 8, () => throw new AssertionException("memory is not asked")), Is.EqualTo(1),
            "a backend without concurrent tapes runs one sample at a time");
        Assert.That(SampleConcurrency.Choose(1, meta, samples: 8, () => 0), Is.EqualTo(1));
        var refused = Assert.Throws<BadInputException>(() => SampleConcurrency.Choose(2, meta, samples: 8, () => 0))!;
        Assert.That(refused.Message, Does.Contain("--concurrency 2").And.Contain("meta backend runs one sample at a time"));
        Assert.Throws<BadInputException>(() => new SearchOptions { Concurrency = 0 }.Validate());
    }

    [Test]
    public void ADeviceFitsAsManyWorkersAsItsFreeMemoryHoldsSteps()
    {
        Assert.That(SampleConcurrency.FitInMemory(freeBytes: 4000, perSampleStepBytes: 1000, samples: 16), Is.EqualTo(3), "a quarter is kept back");
        Assert.That(SampleConcurrency.FitInMemory(freeBytes: 100_000, perSampleStepBytes: 1000, samples: 16), Is.EqualTo(16));
        Assert.That(SampleConcurrency.FitInMemory(freeBytes: 500, perSampleStepBytes: 1000, samples: 16), Is.EqualTo(1), "one always runs");
    }
}
