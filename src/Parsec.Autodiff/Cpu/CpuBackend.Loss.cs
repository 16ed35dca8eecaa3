using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void SoftmaxCrossEntropy(Storage logits, Storage labels, int rows, int classes, Storage probs, Storage logLikelihood)
    {
        const string op = nameof(SoftmaxCrossEntropy);
        CheckLoss(op, logits, labels, rows, classes);
        RequireLength(op, probs, (long)rows * classes, "probs");
        RequireLength(op, logLikelihood, rows, "logLikelihood");
        if (IsDouble(op, logits, probs, logLikelihood))
            SoftmaxCrossEntropy(Arr<double>(logits), Arr<int>(labels), rows, classes, Arr<double>(probs), Arr<double>(logLikelihood));
        else
            SoftmaxCrossEntropy(Arr<float>(logits), Arr<int>(labels), rows, classes, Arr<float>(probs), Arr<float>(logLikelihood));
    }

    /// <summary>Log-sum-exp around the row maximum, so large logits cannot overflow exp.</summary>
    private static void SoftmaxCrossEntropy<T>(T[] logits, int[] labels, int rows, int classes, T[] probs, T[] logLikelihood)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            var p = probs.AsSpan(r * classes, classes);
            T max = TensorPrimitives.Max<T>(row);
            TensorPrimitives.Subtract(row, max, p);
            TensorPrimitives.Exp<T>(p, p);
            T sum = TensorPrimitives.Sum<T>(p);
            TensorPrimitives.Divide(p, sum, p);
            logLikelihood[r] = row[labels[r]] - max - T.Log(sum);
        }
    }

    public void SoftmaxCrossEntropyBackward(Storage probs, Storage labels, Storage rowWeight, int rows, int classes, Storage dlogits, bool accumulate)
    {
        const string op = nameof(SoftmaxCrossEntropyBackward);
        CheckLoss(op, probs, labels, rows, classes);
        RequireLength(op, rowWeight, rows, "rowWeight");
        RequireLength(op, dlogits, (long)rows * classes, "dlogits");
        if (IsDouble(op, probs, rowWeight, dlogits))
            SoftmaxCrossEntropyBackward(Arr<double>(probs), Arr<int>(labels), Arr<double>(rowWeight), rows, classes, Arr<double>(dlogits), accumulate);
        else
            SoftmaxCrossEntropyBackward(Arr<float>(probs), Arr<int>(labels), Arr<float>(rowWeight), rows, classes, Arr<float>(dlogits), accumulate);
    }

    private static void SoftmaxCrossEntropyBackward<T>(T[] probs, int[] labels, T[] rowWeight, int rows, int classes, T[] dlogits, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++)
        {
            var p = probs.AsSpan(r * classes, classes);
            var d = dlogits.AsSpan(r * classes, classes);
            T weight = rowWeight[r];
            if (accumulate) TensorPrimitives.MultiplyAdd(p, weight, d, d);
            else TensorPrimitives.Multiply(p, weight, d);
            d[labels[r]] -= weight;
        }
    }

    private static void CheckLoss(string op, Storage logits, Storage labels, int rows, int classes)
    {
        if (rows < 0 || classes < 1) throw new ArgumentException($"{op}: {rows} rows of {classes} classes");
        RequireLength(op, logits, (long)rows * classes, $"the ({rows}, {classes}) scores");
        RequireLength(op, labels, rows, "labels");
        if (labels.DType != DType.Int32) throw new ArgumentException($"{op}: labels must be Int32, {Cpu(labels).Describe()} is {labels.DType}");
        var values = Arr<int>(labels);
        for (int r = 0; r < rows; r++)
            if ((uint)values[r] >= (uint)classes)
                throw new ArgumentException($"{op}: row {r} has label {values[r]}, outside [0, {classes})");
    }
}
