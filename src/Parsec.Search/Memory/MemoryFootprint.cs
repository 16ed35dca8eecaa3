using Parsec.Autodiff;
using Parsec.Autodiff.Meta;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Search.Memory;

/// <summary>What a training step holds in memory.</summary>
internal enum FootprintCase
{
    /// <summary>PARSEC: the shared weights of every candidate, the activations of one sampled architecture.</summary>
    SampledArchitecture,
    /// <summary>A network holding one architecture's weights only (what evaluation training of a genotype needs).</summary>
    SingleArchitecture,
    /// <summary>DARTS: the shared weights and the activations of every candidate (mixed ops, `none` included).</summary>
    DartsSupernet,
}

/// <summary>The configuration whose footprint is measured.</summary>
/// <param name="SampledArchitectures">How many architectures (uniformly sampled) the sampled cases take the peak over.</param>
/// <param name="IterationSamples">K: the samples of one search iteration, whose own gradients wait for the reduction together.</param>
/// <param name="InFlight">How many samples run at once (the search's --concurrency), each with a step's per-step buffers.</param>
internal sealed record FootprintConfiguration(NetworkOptions Network, int BatchSize, int ImageSize, int SampledArchitectures = 8, ulong Seed = 0,
    int IterationSamples = 16, int InFlight = 1);

/// <summary>Bytes of one training step by kind; <see cref="StepPeakBytes"/> is the per-step peak from the tape's lifetime plan.</summary>
internal sealed record Footprint(
    FootprintCase Case,
    long ParameterCount,
    long WeightBytes,
    long BufferBytes,
    long WeightGradientBytes,
    long OptimizerStateBytes,
    long StepPeakBytes,
    long InputBytesAtPeak,
    long ActivationBytesAtPeak,
    long ActivationGradientBytesAtPeak,
    long SampleUpdateBytes = 0)
{
    public long PersistentBytes => WeightBytes + BufferBytes + WeightGradientBytes + OptimizerStateBytes;
    /// <summary>One training step: the persistent buffers and one step's per-step buffers.</summary>
    public long TotalBytes => PersistentBytes + StepPeakBytes;
    /// <summary>What one sample adds in a search iteration: its per-step buffers and its own gradients and batch statistics.</summary>
    public long PerSampleBytes => StepPeakBytes + SampleUpdateBytes;

    /// <summary>
    /// A whole search iteration (sampled case): the persistent buffers, <paramref name="inFlight"/> samples' per-step
    /// buffers at once, and the own gradients of all <paramref name="samples"/> samples, which wait for the reduction together.
    /// </summary>
    public long IterationBytes(int samples, int inFlight) => PersistentBytes + Math.Min(inFlight, samples) * StepPeakBytes + samples * SampleUpdateBytes;
}

/// <summary>
/// Measures footprints without computing: the same network code runs on <see cref="MetaBackend"/>, which
/// counts every buffer by category. Persistent bytes are what the backend holds after the network and an
/// SGD-with-momentum optimiser are set up; the per-step peak is <see cref="Tape.PlanLifetimes"/>'s
/// <c>PeakBytes</c> for a recorded forward pass plus loss (the least memory the step's forward and
/// backward can run in, inputs included).
/// </summary>
internal static class MemoryFootprint
{
    public static IReadOnlyList<Footprint> Compare(FootprintConfiguration configuration) =>
        Enum.GetValues<FootprintCase>().Select(c => Measure(configuration, c)).ToList();

    public static Footprint Measure(FootprintConfiguration configuration, FootprintCase footprintCase)
    {
        var options = configuration.Network with { DType = DType.Float32 };
        var samplingRng = new Rng(configuration.Seed);
        var prior = new ArchitecturePrior(space: options.Space);
        // A fixed network runs its own architecture and the supernet runs all candidates: one pass each.
        var architectures = Enumerable.Range(0, footprintCase == FootprintCase.SampledArchitecture ? configuration.SampledArchitectures : 1)
            .Select(_ => prior.Sample(samplingRng)).ToList();

        using var meta = new MetaBackend();
        long stepPeak = 0;
        Dictionary<BufferCategory, long> atPeak = [];
        using var network = footprintCase == FootprintCase.SingleArchitecture
            ? Network.CreateFixed(meta, options, architectures[0].ToGenotype(), new Rng(1))
            : Network.CreateShared(meta, options, new Rng(1));
        using var optimizer = new Sgd(network.Parameters.Weights, momentum: 0.9);
        optimizer.Step(0); // creates the momentum buffers
        using var tape = new Tape(meta);
        long sampleUpdates = 0;
        foreach (var architecture in architectures)
        {
            // In a search each sample writes the gradients of the weights it used, and its batch statistics, into
            // buffers of its own (Tape.Deferred) that live until the reduction: count them by running the backward pass.
            using var deferred = footprintCase == FootprintCase.SampledArchitecture ? new DeferredUpdates(meta) : null;
            long liveBefore = meta.Memory.Live(BufferCategory.WeightGradients) + meta.Memory.Live(BufferCategory.Weights);
            tape.Deferred = deferred;
            using var images = Tensor.Empty(meta, [configuration.BatchSize, options.InputChannels, configuration.ImageSize, configuration.ImageSize], DType.Float32, BufferCategory.Inputs, "images");
            using var labels = Tensor.Empty(meta, [configuration.BatchSize], DType.Int32, BufferCategory.Inputs, "labels");
            var logits = footprintCase == FootprintCase.DartsSupernet
                ? network.ForwardMixed(tape, images, MixedOpWeights.Uniform(options.Space, trackGradients: true), NormMode.Training)
                : network.Forward(tape, images, architecture, ForwardMode.Training).Logits;
            var loss = tape.SoftmaxCrossEntropy(logits, labels).Loss;
            var plan = tape.PlanLifetimes();
            long peak = plan.PeakBytes();
            if (peak > stepPeak)
            {
                stepPeak = peak;
                atPeak = plan.BytesAtPeakByCategory();
            }
            if (deferred is not null)
            {
                tape.Backward(loss);
                sampleUpdates = Math.Max(sampleUpdates, meta.Memory.Live(BufferCategory.WeightGradients) + meta.Memory.Live(BufferCategory.Weights) - liveBefore);
            }
            tape.Reset();
            tape.Deferred = null;
        }
        return new Footprint(
            footprintCase,
            network.Parameters.WeightElementCount,
            network.Parameters.WeightBytes,
            network.Parameters.BufferBytes,
            meta.Memory.Live(BufferCategory.WeightGradients),
            meta.Memory.Live(BufferCategory.OptimizerState),
            stepPeak,
            atPeak.GetValueOrDefault(BufferCategory.Inputs),
            atPeak.GetValueOrDefault(BufferCategory.Activations),
            atPeak.GetValueOrDefault(BufferCategory.ActivationGradients),
            sampleUpdates);
    }
}
