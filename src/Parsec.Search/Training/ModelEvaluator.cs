using Parsec.Autodiff;
using Parsec.Search.Data.Pipeline;
using Parsec.Search.Model;

namespace Parsec.Search.Training;

/// <summary>Runs a network over a whole set in evaluation mode (running batch-norm statistics, no drop path, no gradients).</summary>
internal static class ModelEvaluator
{
    public static ClassificationTally Evaluate(Network network, Tape tape, BatchLoader loader, int topK = 5, CancellationToken cancel = default)
    {
        var tally = new ClassificationTally(network.Options.Classes, topK);
        var backend = tape.Backend;
        using var stream = loader.StartEpoch();
        using var noGrad = tape.NoGrad();
        while (stream.TryNext(out var batch))
        {
            cancel.ThrowIfCancellationRequested();
            using (batch)
            {
                var images = batch.ImagesTensor(backend, network.Options.DType);
                var labels = batch.LabelsTensor(backend);
                try
                {
                    var output = network.Forward(tape, images, ForwardMode.Evaluation);
                    var ce = tape.SoftmaxCrossEntropy(output.Logits, labels);
                    tally.Add(output.Logits.ToFloatArray(), batch.Labels, -ce.LogLikelihoods.Average());
                }
                finally
                {
                    // Inputs first: the tape's reset ends the step, and the backend expects no per-step buffer alive after it.
                    images.Dispose();
                    labels.Dispose();
                    tape.Reset();
                }
            }
        }
        return tally;
    }
}
