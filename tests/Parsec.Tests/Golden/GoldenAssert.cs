using System.Text;
using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>
/// The one comparison of computed values against golden ones. An element passes when
/// |actual - expected| &lt;= rtol * (|expected| + max |expected|): relative to itself, with the tensor's largest
/// magnitude as a floor, because an element that cancels to nearly zero (a sum of large terms of both signs)
/// carries rounding error of the size of its terms, not of its own size.
/// </summary>
public static class GoldenAssert
{
    /// <summary>Float64 runs must agree with PyTorch's float64 almost to the last digits; Float32 runs to float precision over sums.</summary>
    public static double RelativeTolerance(DType dtype) => dtype == DType.Float64 ? 1e-8 : 1e-4;

    public static void Close(string what, GoldenTensor expected, Tensor actual) =>
        Close(what, expected, actual.Shape, actual.ToDoubleArray(), RelativeTolerance(actual.DType));

    public static void Close(string what, GoldenTensor expected, IReadOnlyList<int> shape, double[] actual, double rtol) =>
        Assert.That(Mismatch(expected, shape, actual, rtol), Is.Null, what);

    /// <summary>Null when the values agree, otherwise a description of how they differ (the worst elements first).</summary>
    public static string? Mismatch(GoldenTensor expected, IReadOnlyList<int> shape, double[] actual, double rtol)
    {
        if (!expected.Shape.SequenceEqual(shape))
            return $"shape ({string.Join(", ", shape)}), expected ({string.Join(", ", expected.Shape)})";
        if (actual.Length != expected.Data.Length)
            return $"{actual.Length} values, expected {expected.Data.Length}";
        double floor = expected.Data.Length == 0 ? 0 : expected.Data.Max(Math.Abs);
        var bad = new List<(int Index, double Ratio)>();
        for (int i = 0; i < actual.Length; i++)
        {
            double allowed = rtol * (Math.Abs(expected.Data[i]) + floor);
            double error = Math.Abs(actual[i] - expected.Data[i]);
            // The negated comparison also catches NaN.
            if (!(error <= allowed)) bad.Add((i, allowed > 0 ? error / allowed : double.PositiveInfinity));
        }
        if (bad.Count == 0) return null;
        var text = new StringBuilder($"{bad.Count} of {actual.Length} values outside rtol {rtol:g2}:");
        foreach (var (i, ratio) in bad.OrderByDescending(b => double.IsNaN(b.Ratio) ? double.PositiveInfinity : b.Ratio).Take(5))
            text.Append($" [{Index(i, expected.Shape)}] {actual[i]:r} vs {expected.Data[i]:r} ({ratio:g3}x tolerance);");
        return text.ToString();
    }

    /// <summary>The multi-dimensional index of flat position i, e.g. "1,0,3,2".</summary>
    private static string Index(int i, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : i % shape[d];
            i = shape[d] == 0 ? 0 : i / shape[d];
        }
        return string.Join(",", index);
    }
}
