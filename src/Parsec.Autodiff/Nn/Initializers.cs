namespace Parsec.Autodiff;

/// <summary>
/// PyTorch's default initialisation of Conv2d and Linear, drawn from an <see cref="Rng"/> in row-major
/// element order so that a seed fixes the network.
/// </summary>
public static class Initializers
{
    /// <summary>Inputs feeding one output: shape[1] times the kernel size (shape[2..]).</summary>
    public static int FanIn(IReadOnlyList<int> weightShape)
    {
        if (weightShape.Count < 2) throw new ArgumentException($"fan-in needs a weight of rank >= 2, got ({string.Join(", ", weightShape)})");
        int fanIn = weightShape[1];
        for (int i = 2; i < weightShape.Count; i++) fanIn *= weightShape[i];
        return fanIn;
    }

    /// <summary>
    /// kaiming_uniform_(a = sqrt(5)), PyTorch's default for conv and linear weights: the gain sqrt(2 / (1 + a^2))
    /// times sqrt(3 / fan_in) gives the bound 1 / sqrt(fan_in).
    /// </summary>
    public static void DefaultWeight(Tensor weight, Rng rng)
    {
        double bound = 1 / Math.Sqrt(FanIn(weight.Shape));
        Uniform(weight, -bound, bound, rng);
    }

    /// <summary>PyTorch's default bias: uniform(-1 / sqrt(fan_in), 1 / sqrt(fan_in)) with the weight's fan-in.</summary>
    public static void DefaultBias(Tensor bias, int fanIn, Rng rng)
    {
        if (fanIn < 1) throw new ArgumentOutOfRangeException(nameof(fanIn), fanIn, "fan-in must be positive");
        double bound = 1 / Math.Sqrt(fanIn);
        Uniform(bias, -bound, bound, rng);
    }

    public static void Uniform(Tensor t, double low, double high, Rng rng)
    {
        var values = new double[t.Length];
        for (int i = 0; i < values.Length; i++) values[i] = low + (high - low) * rng.NextDouble();
        Write(t, values);
    }

    public static void Constant(Tensor t, double value) => t.Backend.Fill(t.Storage, value);

    private static void Write(Tensor t, double[] values)
    {
        if (t.DType == DType.Float64) t.Backend.CopyIn(t.Storage, values);
        else if (t.DType == DType.Float32) t.Backend.CopyIn(t.Storage, Array.ConvertAll(values, v => (float)v));
        else throw new ArgumentException($"cannot initialise {t} with real values");
    }
}
