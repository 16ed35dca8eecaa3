using Parsec.Search.Data.Pipeline;
using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Model;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

internal sealed partial class SearchSession
{
    /// <summary>
    /// One iteration of first-order DARTS: on a batch of pi's part, the supernet's loss gives dL/dalpha (the mixed ops
    /// collect dL/dw, <see cref="MixedOpWeights.LogitGradient"/> chains it through the softmax) and Adam steps alpha;
    /// then, on a batch of the weights' part, the supernet's loss trains the weights with SGD (clipped, as the other
    /// strategies). The weight gradients of the first pass are dropped: first order treats the weights as constants.
    /// </summary>
    private IterationMetrics DartsStep()
    {
        var clock = Stopwatch.StartNew();
        int number = Iteration + 1;
        double learningRate = LearningRateAt(Iteration);
        var tape = _dartsTape!;
        var alpha = Alpha!;

        alpha.ZeroGradients();
        var (valLoss, valAccuracy) = MixedPass(tape, new HostBatch(ValidationData, ValidationBatches.Next()), alpha, number, "validation forward (alpha)");
        var alphaGradient = alpha.LogitGradient();
        if (alphaGradient.Any(g => !double.IsFinite(g)))
            throw new NonFiniteValueException(new NonFiniteReport(number, null, "alpha gradient", "gradient of DARTS' alpha", null));
        _alphaOptimizer!.Step(alphaGradient.Select(g => -g).ToArray()); // the optimiser ascends: descend the loss

        WeightOptimizer.ZeroGrad();
        var trainBatch = NextTrainBatch(number);
        var (trainLoss, trainAccuracy) = MixedPass(tape, trainBatch, new MixedOpWeights(alpha.Space, alpha.Logits), number, "train forward");
        double gradientNorm = StepWeights(number, learningRate); // every weight is in the supernet: every one has a gradient

        Backend.Synchronize();
        double seconds = clock.Elapsed.TotalSeconds;
        Iteration = number;
        return new IterationMetrics
        {
            Iteration = number,
            Epoch = (number - 1) / IterationsPerEpoch,
            Warmup = false,
            LearningRate = learningRate,
            TrainLoss = trainLoss,
            TrainAccuracy = trainAccuracy,
            ValLoss = valLoss,
            ValAccuracy = valAccuracy,
            WeightEntropy = 0,
            ValWeightEntropy = null,
            ValEffectiveSamples = null,
            ValOmega = null,
            PiEntropy = alpha.Entropy(),
            GradientNorm = gradientNorm,
            SamplesPerSecond = 2.0 * trainBatch.Count / seconds,
            StepMilliseconds = seconds * 1000,
            MemoryMib = Backend.Memory.PeakBytes / (1024.0 * 1024.0),
        };
    }

    /// <summary>One forward and backward pass of the supernet mixed by <paramref name="weights"/> on <paramref name="host"/>; the mean loss and the accuracy.</summary>
    private (double Loss, double Accuracy) MixedPass(Tape tape, HostBatch host, MixedOpWeights weights, int iteration, string phase)
    {
        using var batch = DeviceBatch.Upload(host, Backend, NetworkOptions.DType);
        try
        {
            var logits = Network.ForwardMixed(tape, batch.Images, weights, NormMode.Training);
            var crossEntropy = tape.SoftmaxCrossEntropy(logits, batch.Labels);
            double logLikelihood = crossEntropy.LogLikelihoodSum;
            if (!double.IsFinite(logLikelihood))
                throw new NonFiniteValueException(new NonFiniteReport(iteration, null, phase, "log-likelihood of the batch (logits)", "supernet"));
            double accuracy = host.Accuracy(logits.ToFloatArray());
            tape.Backward(crossEntropy.Loss);
            return (-logLikelihood / host.Count, accuracy);
        }
        finally
        {
            tape.Reset();
        }
    }
}
