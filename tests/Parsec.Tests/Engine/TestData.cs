using Parsec.Autodiff;

namespace Parsec.Tests.Engine;

/// <summary>Seeded random inputs for engine tests.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [-1, 1).</summary>
    public static double[] Uniform(Rng rng, long length, double scale = 1)
    {
        var values = new double[length];
        for (int i = 0; i < values.Length; i++) values[i] = scale * (2 * rng.NextDouble() - 1);
        return values;
    }

    /// <summary>
    /// Uniform values in [-1, 1) whose magnitude is at least <paramref name="margin"/>: a finite difference
    /// step can then never cross the kink of relu at zero.
    /// </summary>
    public static double[] AwayFromZero(Rng rng, long length, double margin = 0.05)
    {
        var values = Uniform(rng, length);
        for (int i = 0; i < values.Length; i++)
            values[i] = Math.CopySign(margin + (1 - margin) * Math.Abs(values[i]), values[i]);
        return values;
    }

    /// <summary>
    /// Distinct values at least <paramref name="spacing"/> apart in random order: no max-pool window has a tie,
    /// and a finite difference step cannot change which element is the maximum.
    /// </summary>
    public static double[] DistinctShuffled(Rng rng, long length, double spacing = 0.01)
    {
        var values = new double[length];
        for (int i = 0; i < values.Length; i++) values[i] = (i - length / 2.0) * spacing;
        rng.Shuffle(values);
        return values;
    }

    public static Tensor Input(IBackend backend, double[] values, int[] shape, string name, DType dtype = DType.Float64) =>
        Tensor.FromArray(backend, values, shape, dtype, BufferCategory.Inputs, name);

    /// <summary>An input tensor marked as differentiable, with random values.</summary>
    public static Tensor DifferentiableInput(IBackend backend, Rng rng, int[] shape, string name) =>
        Parameters.RequireGrad(Input(backend, Uniform(rng, Tensor.ShapeLength(shape)), shape, name));

    /// <summary>A Float64 parameter with random values.</summary>
    public static Tensor Parameter(IBackend backend, Rng rng, int[] shape, string name, double scale = 1)
    {
        var p = Parameters.Create(backend, name, shape, DType.Float64);
        backend.CopyIn(p.Storage, Uniform(rng, p.Length, scale));
        return p;
    }
}
