using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Estimator;
using Parsec.Search.Model;
using Parsec.Search.Runs;
using Parsec.Search.Space;

namespace Parsec.Search.Loop;

public sealed partial class SearchSession
{
    /// <summary>Per-sample results of one pass over the K architectures on one batch.</summary>
    private readonly record struct PassResult(double[] LogLikelihoods, double MeanLoss, double MeanAccuracy);

    /// <summary>
    /// One PARSEC iteration: sample K architectures from pi; on a batch of the weight half, accumulate the
    /// weight gradient over the K samples one at a time (importance-weighted or equal, <see cref="SearchOptions.WeightGradient"/>)
    /// and take an SGD step; on a batch of the pi half, evaluate the K samples without gradients and take an
    /// Adam step on theta along the importance-weighted score. During the warm-up the K architectures are drawn
    /// uniformly, weighted equally, and pi neither moves nor is evaluated. Throws <see cref="NonFiniteValueException"/>
    /// (state then unspecified: the caller keeps the last checkpoint) when a loss or gradient is NaN or infinite.
    /// </summary>
    /// <summary>The K architectures the last <see cref="Step"/> sampled.</summary>
    public IReadOnlyList<Architecture> LastArchitectures { get; private set; } = [];

    public IterationMetrics Step()
    {
        if (IsFinished) throw new InvalidOperationException($"the search has finished its {TotalIterations} iterations");
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

        // Weights: sum_k omega_k grad(mean CE_k) (or the plain mean), one architecture's activations at a time.
        var trainBatch = new HostBatch(TrainData, TrainBatches.Next());
        _accumulator.Begin(warmup ? WeightGradient.Equal : Options.WeightGradient);
        var train = Pass(trainBatch, architectures[..weightSamples], number, "train forward", backward: true);
        var trainOmega = _accumulator.Finish();
        foreach (var w in Network.Parameters.Weights)
            if (!Backend.AllFinite(w.Grad!.Storage))
                throw new NonFiniteValueException(new NonFiniteReport(number, null, "weight gradients", $"gradient of {w.Name}", null));
        double gradientNorm = GradientClipping.ClipByGlobalNorm(Network.Parameters.Weights, Options.GradientClip);
        WeightOptimizer.Step(learningRate);

        // Prior: omega from the validation log-likelihoods, then the weighted score of each sample.
        PassResult? validation = null;
        double[]? validationOmega = null;
        if (!warmup)
        {
            var validationBatch = new HostBatch(ValidationData, ValidationBatches.Next());
            using (_tape.NoGrad()) validation = Pass(validationBatch, architectures, number, "validation forward", backward: false);
            validationOmega = ImportanceWeights.Normalize(validation.Value.LogLikelihoods.Select(l => scale * l).ToArray());
            var priorGradient = PriorGradient.FromWeights(Prior.Distribution, architectures.Select(Prior.ToChoices).ToList(), validationOmega, Options.PriorBaseline);
            if (priorGradient.Any(g => !double.IsFinite(g)))
                throw new NonFiniteValueException(new NonFiniteReport(number, null, "prior gradient", "gradient of the prior logits", null));
            PriorOptimizer.Step(priorGradient);
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
        };
    }

    /// <summary>
    /// Runs every architecture on the batch in turn. With <paramref name="backward"/> each sample
    /// back-propagates with the seed the running log-sum-exp assigns it; returns the batch log-likelihood
    /// sums (unscaled), mean loss and accuracy.
    /// </summary>
    private PassResult Pass(HostBatch batch, Architecture[] architectures, int iteration, string phase, bool backward)
    {
        var logLikelihoods = new double[architectures.Length];
        double loss = 0, accuracy = 0;
        for (int k = 0; k < architectures.Length; k++)
        {
            var (images, labels) = batch.Upload(Backend, NetworkOptions.DType);
            try
            {
                var logits = Network.Forward(_tape, images, architectures[k], ForwardMode.Training).Logits;
                var crossEntropy = _tape.SoftmaxCrossEntropy(logits, labels);
                double logLikelihood = crossEntropy.LogLikelihoodSum;
                if (!double.IsFinite(logLikelihood))
                    throw new NonFiniteValueException(new NonFiniteReport(iteration, k, phase, "log-likelihood of the batch (logits)", architectures[k].ToString()));
                logLikelihoods[k] = logLikelihood;
                loss += -logLikelihood / batch.Count;
                accuracy += batch.Accuracy(logits.ToFloatArray());
                if (backward)
                {
                    double seed = _accumulator.AddSample(Options.LikelihoodScale!.Value * logLikelihood);
                    // A seed that underflowed to 0 adds nothing to the gradient: skip the backward pass.
                    if (seed > 0) _tape.Backward(crossEntropy.Loss, seed);
                }
            }
            finally
            {
                images.Dispose();
                labels.Dispose();
                _tape.Reset();
            }
        }
        return new PassResult(logLikelihoods, loss / architectures.Length, accuracy / architectures.Length);
    }
}
