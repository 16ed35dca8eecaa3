using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Engine;

/// <summary>The largest disagreement between analytic and numerical gradients for one input.</summary>
internal sealed record GradientComparison(string Input, double MaxError, int WorstIndex, double Analytic, double Numeric, double AnalyticNorm);

/// <summary>
/// Checks reverse-mode gradients against central finite differences in Float64. The function under test
/// maps the inputs to a tensor y; the checked scalar is L = sum(y * r) for a fixed random r, computed on the
/// tape itself (flatten y, then a linear layer with weights r and zero bias), so that every element of y
/// receives a different, non-trivial upstream gradient. For each input element,
/// dL/dx ~ (L(x + h) - L(x - h)) / 2h, and the error is |analytic - numeric| / max(1, |analytic|, |numeric|).
/// </summary>
internal sealed class GradientChecker(IBackend backend, ulong seed = 7, double step = 1e-6)
{
    /// <summary>
    /// Compares gradients for every tensor in <paramref name="inputs"/> (parameters or inputs marked with
    /// Parameters.RequireGrad) with finite differences.
    /// </summary>
    public IReadOnlyList<GradientComparison> Compare(Func<Tape, Tensor> function, IReadOnlyList<Tensor> inputs)
    {
        using var tape = new Tape(backend);
        using var projection = ProjectionFor(function, inputs);
        using var zeroBias = Tensor.Zeros(backend, [1], DType.Float64, BufferCategory.Inputs, "zero_bias");
        var analytic = AnalyticGradients(tape, function, inputs, projection, zeroBias);
        var results = new List<GradientComparison>();
        for (int i = 0; i < inputs.Count; i++)
            results.Add(CompareInput(tape, function, inputs[i], analytic[i], projection, zeroBias));
        return results;
    }

    /// <summary>
    /// The analytic gradients of the function's output added to a second evaluation of itself, against
    /// twice the gradients of one evaluation: every backward kernel then also runs in accumulate mode, and
    /// a kernel that overwrites instead of adding (or adds to garbage) is caught without more finite differences.
    /// </summary>
    public double AccumulationError(Func<Tape, Tensor> function, IReadOnlyList<Tensor> inputs)
    {
        using var tape = new Tape(backend);
        using var projection = ProjectionFor(function, inputs);
        using var zeroBias = Tensor.Zeros(backend, [1], DType.Float64, BufferCategory.Inputs, "zero_bias");
        var once = AnalyticGradients(tape, function, inputs, projection, zeroBias);
        var twice = AnalyticGradients(tape, t => t.Add(function(t), function(t)), inputs, projection, zeroBias);
        double worst = 0;
        for (int i = 0; i < inputs.Count; i++)
            for (int j = 0; j < once[i].Length; j++)
                worst = Math.Max(worst, Math.Abs(twice[i][j] - 2 * once[i][j]) / Math.Max(1, Math.Abs(2 * once[i][j])));
        return double.IsNaN(worst) ? double.PositiveInfinity : worst;
    }

    /// <summary>Asserts every input's gradient matches, is not identically zero (a vacuous check), and accumulates correctly.</summary>
    public void AssertMatches(Func<Tape, Tensor> function, params Tensor[] inputs)
    {
        foreach (var c in Compare(function, inputs))
        {
            Assert.That(c.MaxError, Is.LessThan(1e-6), $"{c.Input}: element {c.WorstIndex} analytic {c.Analytic:R} numeric {c.Numeric:R}");
            Assert.That(c.AnalyticNorm, Is.GreaterThan(1e-8), $"{c.Input}: the gradient is zero, the check proves nothing");
        }
        Assert.That(AccumulationError(function, inputs), Is.LessThan(1e-12), "gradients of an output used twice are not twice the gradients");
    }

    private Tensor ProjectionFor(Func<Tape, Tensor> function, IReadOnlyList<Tensor> inputs)
    {
        using var tape = new Tape(backend);
        long length;
        using (tape.NoGrad()) length = function(tape).Length;
        return TestData.Input(backend, TestData.Uniform(new Rng(seed), length), [1, (int)length], "r");
    }

    /// <summary>Gradients of sum(f * r) by one backward pass, copied to the host.</summary>
    private static double[][] AnalyticGradients(Tape tape, Func<Tape, Tensor> f, IReadOnlyList<Tensor> inputs, Tensor projection, Tensor zeroBias)
    {
        try
        {
            foreach (var x in inputs)
            {
                Parameters.ZeroGrad(x);
                Parameters.ClearGrad(x);
            }
            tape.Backward(Project(tape, f(tape), projection, zeroBias));
            var analytic = new double[inputs.Count][];
            for (int i = 0; i < inputs.Count; i++)
                analytic[i] = (inputs[i].Grad ?? throw new InvalidOperationException($"no gradient reached {inputs[i]}")).ToDoubleArray();
            return analytic;
        }
        finally
        {
            tape.Reset();
        }
    }

    private static Tensor Project(Tape tape, Tensor y, Tensor projection, Tensor zeroBias) =>
        tape.Linear(tape.Reshape(y, 1, (int)y.Length), projection, zeroBias);

    private GradientComparison CompareInput(Tape tape, Func<Tape, Tensor> f, Tensor x, double[] analytic, Tensor projection, Tensor zeroBias)
    {
        var values = x.ToDoubleArray();
        double maxError = 0, norm = 0;
        int worst = 0;
        double worstNumeric = 0;
        for (int j = 0; j < values.Length; j++)
        {
            double original = values[j];
            values[j] = original + step;
            double plus = Evaluate(tape, f, x, values, projection, zeroBias);
            values[j] = original - step;
            double minus = Evaluate(tape, f, x, values, projection, zeroBias);
            values[j] = original;
            double numeric = (plus - minus) / (2 * step);
            double error = Math.Abs(analytic[j] - numeric) / Math.Max(1, Math.Max(Math.Abs(analytic[j]), Math.Abs(numeric)));
            if (double.IsNaN(error)) error = double.PositiveInfinity;
            if (j == 0 || error > maxError)
            {
                maxError = error;
                worst = j;
                worstNumeric = numeric;
            }
            norm += analytic[j] * analytic[j];
        }
        backend.CopyIn(x.Storage, values);
        return new GradientComparison(x.Name ?? x.ToString(), maxError, worst, analytic[worst], worstNumeric, Math.Sqrt(norm));
    }

    private double Evaluate(Tape tape, Func<Tape, Tensor> f, Tensor x, double[] values, Tensor projection, Tensor zeroBias)
    {
        backend.CopyIn(x.Storage, values);
        using (tape.NoGrad())
        {
            double loss = Project(tape, f(tape), projection, zeroBias).Item();
            tape.Reset();
            return loss;
        }
    }
}
