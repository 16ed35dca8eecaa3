namespace Parsec.Autodiff;

/// <summary>The result of softmax cross-entropy: the mean loss (differentiable) and per-example log-likelihoods.</summary>
/// <param name="Loss">Scalar: -(1/N) sum_i log p(y_i | x_i).</param>
/// <param name="LogLikelihoods">Host copy of log p(y_i | x_i) per example (PARSEC's importance weights use their sum).</param>
public sealed record CrossEntropyResult(Tensor Loss, double[] LogLikelihoods)
{
    public double LogLikelihoodSum => LogLikelihoods.Sum();
}

public sealed partial class Tape
{
    /// <summary>
    /// Softmax cross-entropy of logits (N, classes) against Int32 labels (N), averaged over the batch.
    /// The per-example log-likelihoods are copied to the host: the search needs them every sample.
    /// </summary>
    public CrossEntropyResult SoftmaxCrossEntropy(Tensor logits, Tensor labels)
    {
        if (logits.Rank != 2 || labels.Rank != 1 || labels.Shape[0] != logits.Shape[0] || labels.DType != DType.Int32)
            throw new ArgumentException($"cross-entropy: expected logits (N, classes) and Int32 labels (N); got ({string.Join(", ", logits.Shape)}) and ({string.Join(", ", labels.Shape)}) {labels.DType}");
        int n = logits.Shape[0], classes = logits.Shape[1];
        var probs = NewOutput(logits.Shape, logits.DType, "softmax");
        var logLik = NewOutput([n], logits.DType, "log_likelihood");
        Backend.SoftmaxCrossEntropy(new SoftmaxCrossEntropyArgs(logits.Storage, labels.Storage, n, classes, probs.Storage, logLik.Storage));
        var host = logLik.ToDoubleArray();
        double mean = 0;
        foreach (double v in host) mean -= v;
        mean /= n;
        var loss = NewOutput([1], logits.DType, "loss");
        if (logits.DType == DType.Float64) Backend.CopyIn(loss.Storage, [mean]);
        else Backend.CopyIn(loss.Storage, [(float)mean]);
        Record("cross_entropy", [logits], [loss, probs, logLik], [probs, labels], ctx =>
        {
            if (!ctx.TryGradOf(logits, out var dlogits, out bool acc)) return;
            double upstream = ctx.OutputGrad().Item();
            var rowWeight = Tensor.Empty(ctx.Backend, [n], logits.DType, BufferCategory.Workspace);
            try
            {
                ctx.Backend.Fill(rowWeight.Storage, upstream / n);
                ctx.Backend.SoftmaxCrossEntropyBackward(new SoftmaxCrossEntropyBackwardArgs(probs.Storage, labels.Storage, rowWeight.Storage, n, classes, dlogits, acc));
            }
            finally { rowWeight.Dispose(); }
        });
        return new CrossEntropyResult(loss, host);
    }
}
