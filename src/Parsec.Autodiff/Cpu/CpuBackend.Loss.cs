using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void SoftmaxCrossEntropy(SoftmaxCrossEntropyArgs a)
    {
        CheckLabelValues(nameof(SoftmaxCrossEntropy), a.Labels, a.Rows, a.Classes);
        if (IsDouble(a.Logits))
            SoftmaxCrossEntropy(Arr<double>(a.Logits), Arr<int>(a.Labels), a.Rows, a.Classes, Arr<double>(a.Probs), Arr<double>(a.LogLikelihood));
        else
            SoftmaxCrossEntropy(Arr<float>(a.Logits), Arr<int>(a.Labels), a.Rows, a.Classes, Arr<float>(a.Probs), Arr<float>(a.LogLikelihood));
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

    public void SoftmaxCrossEntropyBackward(SoftmaxCrossEntropyBackwardArgs a)
    {
        CheckLabelValues(nameof(SoftmaxCrossEntropyBackward), a.Labels, a.Rows, a.Classes);
        if (IsDouble(a.Probs))
            SoftmaxCrossEntropyBackward(Arr<double>(a.Probs), Arr<int>(a.Labels), Arr<double>(a.RowWeight), a.Rows, a.Classes, Arr<double>(a.Dlogits), a.Accumulate);
        else
            SoftmaxCrossEntropyBackward(Arr<float>(a.Probs), Arr<int>(a.Labels), Arr<float>(a.RowWeight), a.Rows, a.Classes, Arr<float>(a.Dlogits), a.Accumulate);
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

    /// <summary>Labels are data: their range is checked where they are read.</summary>
    private static void CheckLabelValues(string op, Storage labels, int rows, int classes)
    {
        var values = Arr<int>(labels);
        for (int r = 0; r < rows; r++)
            if ((uint)values[r] >= (uint)classes)
                throw new ArgumentException($"{op}: row {r} has label {values[r]}, outside [0, {classes})");
    }
}
