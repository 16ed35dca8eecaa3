using Parsec.Search.Data.Pipeline;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Search.Loop;

/// <summary>What the shared weights say of one architecture on pi's part of the data: the search's own belief about it.</summary>
/// <param name="Accuracy">Top-1 accuracy over the images scored.</param>
/// <param name="LogLikelihood">Mean log-likelihood per image (the negative cross-entropy).</param>
/// <param name="Images">How many images were scored.</param>
internal sealed record SharedWeightScore(double Accuracy, double LogLikelihood, int Images);

internal sealed partial class SearchSession
{
    /// <summary>
    /// Scores <paramref name="architecture"/> with the shared weights on the first <paramref name="maxBatches"/> full
    /// batches of pi's part, in its stored order (the same images for every architecture), with batch statistics as
    /// the search's validation passes use them. Nothing of the session changes: the running statistics the passes
    /// compute are dropped.
    /// </summary>
    public SharedWeightScore ScoreOnValidation(Architecture architecture, int maxBatches)
    {
        if (maxBatches < 1) throw new ArgumentOutOfRangeException(nameof(maxBatches), maxBatches, "score at least one batch");
        int batchSize = Options.BatchSize;
        int batches = Math.Min(maxBatches, ValidationData.Count / batchSize);
        if (batches < 1) throw new BadInputException($"pi's part holds {ValidationData.Count} images, fewer than one batch of {batchSize}");
        using var tape = new Tape(Backend);
        double correct = 0, logLikelihood = 0;
        for (int b = 0; b < batches; b++)
        {
            var host = new HostBatch(ValidationData, Enumerable.Range(b * batchSize, batchSize).ToArray());
            using var batch = DeviceBatch.Upload(host, Backend, NetworkOptions.DType);
            using var dropped = new DeferredUpdates(Backend);
            tape.Deferred = dropped;
            try
            {
                using var noGrad = tape.NoGrad();
                var logits = Network.Forward(tape, batch.Images, architecture, ForwardMode.Training).Logits;
                logLikelihood += tape.SoftmaxCrossEntropy(logits, batch.Labels).LogLikelihoodSum;
                correct += host.Accuracy(logits.ToFloatArray()) * batchSize;
            }
            finally
            {
                tape.Reset();
                tape.Deferred = null;
            }
        }
        int images = batches * batchSize;
        return new SharedWeightScore(correct / images, logLikelihood / images, images);
    }
}
