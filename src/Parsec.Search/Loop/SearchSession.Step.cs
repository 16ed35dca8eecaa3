using Parsec.Search.Data.Pipeline;
using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Estimator;
using Parsec.Search.Model;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

internal sealed partial class SearchSession
{
    /// <summary>The K architectures the last <see cref="Step"/> sampled.</summary>
    public IReadOnlyList<Architecture> LastArchitectures { get; private set; } = [];
    /// <summary>The architectures that trained the weights in the last <see cref="Step"/> (<see cref="SearchOptions.WeightSampling"/>).</summary>
    public IReadOnlyList<Architecture> LastWeightArchitectures { get; private set; } = [];

    /// <summary>
    /// One PARSEC iteration: sample K architectures from pi; on a batch of the weight half, train the weights on
    /// the first --weight-samples of them (or on as many uniform draws, <see cref="SearchOptions.WeightSampling"/>):
    /// every sample computes its own gradient on a worker, then one fixed-order reduction weights them
    /// (importance-weighted or equal, <see cref="SearchOptions.WeightGradient"/>) and SGD takes a step; on a batch of
    /// the pi half, evaluate the K samples without gradients on the workers and take an Adam step on theta along
    /// the importance-weighted score. During the warm-up the K architectures are drawn uniformly, weighted equally,
    /// and pi neither moves nor is evaluated. Batch-norm running statistics are updated in sample order after each
    /// pass. Nothing depends on how many workers ran the samples. Throws <see cref="NonFiniteValueException"/>
    /// (state then unspecified: the caller keeps the last checkpoint) when a loss or gradient is NaN or infinite.
    /// </summary>
    public IterationMetrics Step()
    {
        if (IsFinished) throw new InvalidOperationException($"the search has finished its {TotalIterations} iterations");
        if (Options.Strategy == SearchStrategy.Darts) return DartsStep();
        var clock = Stopwatch.StartNew();
        int number = Iteration + 1;
        bool warmup = InWarmup;
        double learningRate = LearningRateAt(Iteration);
        double scale = Options.LikelihoodScale!.Value;
        var sampler = warmup ? _warmupPrior : Prior;
        int weightSamples = Options.WeightSamples ?? Options.Samples;
        // The warm-up evaluates no pi gradient, so it draws only the samples that train the weights.
        var architectures = new Architecture[warmup ? weightSamples : Options.Samples];
        for (int k = 0; k < architectures.Length; k++) architectures[k] = sampler.Sample(_architectureRng);
        LastArchitectures = architectures;
        var weightArchitectures = architectures[..weightSamples];
        if (!warmup)
            for (int k = 0; k < weightSamples; k++)
                if (Options.WeightSampling.DrawsUniformly(k)) weightArchitectures[k] = _warmupPrior.Sample(_architectureRng);
        LastWeightArchitectures = weightArchitectures;

        // Weights: sum_k omega_k g_k (or the plain mean), each g_k computed on a worker, reduced in sample order.
        var trainMode = warmup ? WeightGradient.Equal : Options.WeightGradient;
        var trainBatch = NextTrainBatch(number);
        var (train, reduced) = Pass(trainBatch, weightArchitectures, number, "train forward",
            samples => _reduction.ReduceGradients(samples.Select(s => s.Updates).ToList(), samples.Select(s => scale * s.LogLikelihood).ToList(), trainMode));
        var trainOmega = reduced!;
        AllReduceWeightGradients();
        double gradientNorm = StepWeights(number, learningRate);

        // Prior: omega from the validation log-likelihoods, then the weighted score of each sample.
        PassResult? validation = null;
        double[]? validationOmega = null;
        if (!warmup)
        {
            (validation, _) = Pass(new HostBatch(ValidationData, ValidationBatches.Next()), architectures, number, "validation forward", reduce: null);
            validationOmega = ImportanceWeights.Normalize(validation.Value.LogLikelihoods.Select(l => scale * l).ToArray());
            var priorGradient = PriorGradient.FromWeights(Prior.Distribution, architectures.Select(Prior.ToChoices).ToList(), validationOmega, Options.PriorBaseline);
            if (priorGradient.Any(g => !double.IsFinite(g)))
                throw new NonFiniteValueException(new NonFiniteReport(number, null, "prior gradient", "gradient of the prior logits", null));
            Cost?.Apply(Prior, priorGradient);
            PriorOptimizer.Step(priorGradient);
            _commitment?.AfterPriorStep(validationOmega, number);
        }

        Backend.Synchronize();
        double seconds = clock.Elapsed.TotalSeconds;
        Iteration = number;
        return new IterationMetrics
        {
            Iteration = number,
            Epoch = (number - 1) / IterationsPerEpoch,
            Warmup = warmup,
            LearningRate = learningRate,
            TrainLoss = train.MeanLoss,
            TrainAccuracy = train.MeanAccuracy,
            ValLoss = validation?.MeanLoss,
            ValAccuracy = validation?.MeanAccuracy,
            WeightEntropy = ImportanceWeights.Entropy(trainOmega),
            ValWeightEntropy = validationOmega is null ? null : ImportanceWeights.Entropy(validationOmega),
            ValEffectiveSamples = validationOmega is null ? null : ImportanceWeights.EffectiveSampleSize(validationOmega),
            ValOmega = validationOmega,
            PiEntropy = Prior.Entropy(),
            GradientNorm = gradientNorm,
            SamplesPerSecond = (double)weightSamples * trainBatch.Count / seconds,
            StepMilliseconds = seconds * 1000,
            MemoryMib = Backend.Memory.PeakBytes / (1024.0 * 1024.0),
            ExpectedCost = Cost?.Table.ExpectedCost(Prior).Expected,
            CostMultiplier = Cost?.Target is null ? null : Cost.Multiplier,
            CommittedChoices = _commitment?.CommittedCount,
        };
    }

    /// <summary>
    /// Checks the weights' gradients are finite, clips them by their global norm and takes the SGD step; returns the norm
    /// before clipping. One check (one wait on a GPU) covers the whole bank; only when it fails are the gradients looked
    /// at one by one to name the first.
    /// </summary>
    private double StepWeights(int iteration, double learningRate)
    {
        if (!Backend.AllFiniteMany(new AllFiniteManyArgs(Network.Parameters.Weights.Select(w => w.Grad!.Storage).ToList())))
        {
            var first = Network.Parameters.Weights.First(w => !Backend.AllFinite(w.Grad!.Storage));
            throw new NonFiniteValueException(new NonFiniteReport(iteration, null, "weight gradients", $"gradient of {first.Name}", null));
        }
        double gradientNorm = GradientClipping.ClipByGlobalNorm(Network.Parameters.Weights, Options.GradientClip);
        WeightOptimizer.Step(learningRate);
        return gradientNorm;
    }

    /// <summary>Per-sample results of one pass over the K architectures on one batch (log-likelihoods unscaled).</summary>
    private readonly record struct PassResult(double[] LogLikelihoods, double MeanLoss, double MeanAccuracy);

    /// <summary>What one sample of a pass produced: its batch log-likelihood sum (unscaled), accuracy, and its gradients and batch statistics.</summary>
    private sealed record SampleRun(double LogLikelihood, double Accuracy, DeferredUpdates Updates) : IDisposable
    {
        public void Dispose() => Updates.Dispose();
    }

    /// <summary>
    /// Uploads the batch once and runs every architecture on it on the workers: with <paramref name="reduce"/> each
    /// sample back-propagates its own mean cross-entropy and <paramref name="reduce"/> then turns the samples'
    /// gradients into the weights' (its result is returned); without, the samples only run forward (no gradients).
    /// The samples' batch statistics are then folded into the running statistics in sample order.
    /// </summary>
    private (PassResult Result, double[]? Reduced) Pass(HostBatch host, Architecture[] architectures, int iteration, string phase, Func<SampleRun[], double[]>? reduce)
    {
        using var batch = DeviceBatch.Upload(host, Backend, NetworkOptions.DType);
        var samples = RunSamples(architectures.Length, (tape, k) => RunSample(tape, batch, architectures[k], iteration, k, phase, backward: reduce is not null));
        try
        {
            var reduced = reduce?.Invoke(samples);
            SampleReduction.ApplyRunningStatistics(samples.Select(s => s.Updates));
            double loss = 0, accuracy = 0;
            foreach (var sample in samples)
            {
                loss += -sample.LogLikelihood / batch.Count;
                accuracy += sample.Accuracy;
            }
            var result = new PassResult(samples.Select(s => s.LogLikelihood).ToArray(), loss / samples.Length, accuracy / samples.Length);
            return (result, reduced);
        }
        finally
        {
            foreach (var sample in samples) sample.Dispose();
        }
    }

    /// <summary>One sample on one worker's tape: forward, loss, and with <paramref name="backward"/> its own gradient g_k (seed 1).</summary>
    private SampleRun RunSample(Tape tape, DeviceBatch batch, Architecture architecture, int iteration, int k, string phase, bool backward)
    {
        var updates = new DeferredUpdates(Backend);
        tape.Deferred = updates;
        try
        {
            using var evaluation = backward ? null : tape.NoGrad();
            var logits = Network.Forward(tape, batch.Images, architecture, ForwardMode.Training).Logits;
            var crossEntropy = tape.SoftmaxCrossEntropy(logits, batch.Labels);
            double logLikelihood = crossEntropy.LogLikelihoodSum;
            if (!double.IsFinite(logLikelihood))
                throw new NonFiniteValueException(new NonFiniteReport(iteration, k, phase, "log-likelihood of the batch (logits)", architecture.ToString()));
            double accuracy = batch.Host.Accuracy(logits.ToFloatArray());
            if (backward) tape.Backward(crossEntropy.Loss);
            return new SampleRun(logLikelihood, accuracy, updates);
        }
        catch
        {
            updates.Dispose();
            throw;
        }
    }
}
