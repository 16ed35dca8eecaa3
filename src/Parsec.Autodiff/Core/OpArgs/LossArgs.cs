namespace Parsec.Autodiff;

/// <summary>
/// Row-wise softmax of logits (Rows, Classes) into probs, and logLikelihood[r] = log softmax(logits[r])[labels[r]].
/// A label outside [0, Classes) is reported by the backend that reads it (labels are data, not arguments).
/// </summary>
public sealed record SoftmaxCrossEntropyArgs
{
    public SoftmaxCrossEntropyArgs(Storage logits, Storage labels, int rows, int classes, Storage probs, Storage logLikelihood)
    {
        var check = LossCheck.Run("SoftmaxCrossEntropy", logits, labels, rows, classes, probs);
        check.Floats(logits, logLikelihood);
        check.Length(logLikelihood, rows, "the log-likelihoods");
        (Logits, Labels, Rows, Classes, Probs, LogLikelihood) = (logits, labels, rows, classes, probs, logLikelihood);
    }

    public Storage Logits { get; }         // (Rows, Classes)
    public Storage Labels { get; }         // (Rows), Int32
    public int Rows { get; }
    public int Classes { get; }
    public Storage Probs { get; }          // (Rows, Classes)
    public Storage LogLikelihood { get; }  // (Rows)
}

/// <summary>dlogits[r] (+)= rowWeight[r] * (probs[r] - onehot(labels[r])): the gradient of sum_r rowWeight[r] * (-logLikelihood[r]).</summary>
public sealed record SoftmaxCrossEntropyBackwardArgs
{
    public SoftmaxCrossEntropyBackwardArgs(Storage probs, Storage labels, Storage rowWeight, int rows, int classes, Storage dlogits, bool accumulate)
    {
        var check = LossCheck.Run("SoftmaxCrossEntropyBackward", dlogits, labels, rows, classes, probs);
        check.Floats(probs, rowWeight);
        check.Length(rowWeight, rows, "the row weights");
        (Probs, Labels, RowWeight, Rows, Classes, Dlogits, Accumulate) = (probs, labels, rowWeight, rows, classes, dlogits, accumulate);
    }

    public Storage Probs { get; }      // (Rows, Classes)
    public Storage Labels { get; }     // (Rows), Int32
    public Storage RowWeight { get; }  // (Rows)
    public int Rows { get; }
    public int Classes { get; }
    public Storage Dlogits { get; }    // (Rows, Classes)
    public bool Accumulate { get; }
}

internal static class LossCheck
{
    /// <summary>scores and probs are (rows, classes) floats of one type; labels are Int32 (rows).</summary>
    public static OpCheck Run(string op, Storage scores, Storage labels, int rows, int classes, Storage probs)
    {
        var check = new OpCheck(op);
        if (rows < 0 || classes < 1) throw check.Error($"{rows} rows of {classes} classes");
        check.Floats(scores, probs);
        check.Length(scores, (long)rows * classes, $"the ({rows}, {classes}) scores");
        check.Length(probs, (long)rows * classes, $"the ({rows}, {classes}) probabilities");
        check.Labels(labels, rows);
        return check;
    }
}
