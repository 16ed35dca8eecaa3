namespace Parsec.Autodiff;

public sealed partial class Tape
{
    public Tensor Relu(Tensor x)
    {
        var y = NewOutput(x.Shape, x.DType, "relu");
        Backend.Elementwise(new ReluArgs(x.Storage, y.Storage));
        Record("relu", [x], y, [y], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc))
                ctx.Backend.Elementwise(new ReluBackwardArgs(y.Storage, ctx.OutputGrad().Storage, dx, acc));
        });
        return y;
    }

    public Tensor Add(Tensor a, Tensor b)
    {
        RequireSameShape(a, b, "add");
        var y = NewOutput(a.Shape, a.DType, "add");
        Backend.Elementwise(new AddArgs(a.Storage, b.Storage, y.Storage));
        Record("add", [a, b], y, [], ctx =>
        {
            var dy = ctx.OutputGrad().Storage;
            if (ctx.TryGradOf(a, out var da, out bool accA)) ctx.Backend.Elementwise(new ScaleArgs(dy, 1.0, da, accA));
            if (ctx.TryGradOf(b, out var db, out bool accB)) ctx.Backend.Elementwise(new ScaleArgs(dy, 1.0, db, accB));
        });
        return y;
    }

    /// <summary>y = alpha * x.</summary>
    public Tensor Scale(Tensor x, double alpha)
    {
        var y = NewOutput(x.Shape, x.DType, "scale");
        Backend.Elementwise(new ScaleArgs(x.Storage, alpha, y.Storage, accumulate: false));
        Record("scale", [x], y, [], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc)) ctx.Backend.Elementwise(new ScaleArgs(ctx.OutputGrad().Storage, alpha, dx, acc));
        });
        return y;
    }

    /// <summary>
    /// DARTS' mixed op: y = sum_c weights[c] * candidates[c], summed in a fixed order (<see cref="WeightedSumArgs"/>).
    /// Backward sends weights[c] * dy to each candidate and, when <paramref name="weightGradient"/> is given, adds
    /// &lt;dy, candidates[c]&gt; to weightGradient[c]: the gradient with respect to the mixing weights, kept on the host
    /// because DARTS' architecture parameters are a few hundred numbers. The weights themselves are constants here.
    /// </summary>
    public Tensor MixedSum(IReadOnlyList<Tensor> candidates, IReadOnlyList<double> weights, double[]? weightGradient = null)
    {
        if (candidates.Count == 0) throw new ArgumentException("mixed_sum: needs at least one candidate");
        if (weights.Count != candidates.Count || (weightGradient is not null && weightGradient.Length != candidates.Count))
            throw new ArgumentException($"mixed_sum: {candidates.Count} candidates need as many weights and weight-gradient slots, got {weights.Count} and {weightGradient?.Length}");
        foreach (var c in candidates) RequireSameShape(candidates[0], c, "mixed_sum");
        var y = NewOutput(candidates[0].Shape, candidates[0].DType, "mixed_sum");
        Backend.WeightedSum(new WeightedSumArgs(candidates.Select(c => c.Storage).ToList(), weights, y.Storage, beta: 0));
        var inputs = candidates.ToArray();
        Record("mixed_sum", inputs, y, weightGradient is null ? [] : inputs, ctx =>
        {
            var dy = ctx.OutputGrad().Storage;
            for (int c = 0; c < inputs.Length; c++)
            {
                if (ctx.TryGradOf(inputs[c], out var dx, out bool acc)) ctx.Backend.Elementwise(new ScaleArgs(dy, weights[c], dx, acc));
                if (weightGradient is not null) weightGradient[c] += ctx.Backend.Dot(new DotArgs(dy, inputs[c].Storage));
            }
        });
        return y;
    }

    /// <summary>The identity op of the search space: returns its input (no copy, no node).</summary>
    public Tensor Identity(Tensor x) => x;

    /// <summary>
    /// The `none` op: zeros of the shape the op would produce (spatially subsampled by stride). Its output
    /// does not depend on x, so no gradient flows and no node is recorded.
    /// </summary>
    public Tensor Zero(Tensor x, int stride = 1)
    {
        var s = x.Shape4;
        int[] shape = stride == 1 ? x.Shape : [s.N, s.C, (s.H + stride - 1) / stride, (s.W + stride - 1) / stride];
        var y = NewOutput(shape, x.DType, "zero");
        Backend.Fill(y.Storage, 0);
        return y;
    }

    /// <summary>Same data under a new shape with the same number of elements (copied: tensors never share storage).</summary>
    public Tensor Reshape(Tensor x, params int[] shape)
    {
        if (Tensor.ShapeLength(shape) != x.Length)
            throw new ArgumentException($"cannot reshape ({string.Join(", ", x.Shape)}) into ({string.Join(", ", shape)})");
        var y = NewOutput(shape, x.DType, "reshape");
        Backend.Copy(x.Storage, y.Storage);
        Record("reshape", [x], y, [], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc)) ctx.Backend.Elementwise(new ScaleArgs(ctx.OutputGrad().Storage, 1.0, dx, acc));
        });
        return y;
    }

    /// <summary>
    /// Drop path: each example of x is zeroed with probability dropProbability, the others scaled by
    /// 1 / (1 - p). The mask is drawn from <paramref name="rng"/> so runs are reproducible.
    /// </summary>
    public Tensor DropPath(Tensor x, double dropProbability, Rng rng)
    {
        if (dropProbability is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropProbability), dropProbability, "drop-path probability must be in [0, 1)");
        if (dropProbability == 0) return x;
        int n = x.Shape[0];
        var mask = new double[n];
        double keep = 1 - dropProbability;
        for (int i = 0; i < n; i++) mask[i] = rng.NextDouble() < keep ? 1 / keep : 0;
        return ScaleRows(x, mask);
    }

    /// <summary>y[n, ...] = x[n, ...] * factors[n] (factors are constants, not differentiated).</summary>
    public Tensor ScaleRows(Tensor x, double[] factors)
    {
        int n = x.Shape[0];
        if (factors.Length != n) throw new ArgumentException($"ScaleRows needs {n} factors, got {factors.Length}");
        var scale = NewOutput([n], x.DType, "row_scale");
        if (x.DType == DType.Float64) Backend.CopyIn(scale.Storage, factors);
        else Backend.CopyIn(scale.Storage, Array.ConvertAll(factors, v => (float)v));
        int rowLength = (int)(x.Length / n);
        var y = NewOutput(x.Shape, x.DType, "scale_rows");
        Backend.Elementwise(new ScaleRowsArgs(x.Storage, scale.Storage, rowLength, y.Storage, accumulate: false));
        Record("scale_rows", [x], [y, scale], [scale], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc))
                ctx.Backend.Elementwise(new ScaleRowsArgs(ctx.OutputGrad().Storage, scale.Storage, rowLength, dx, acc));
        });
        return y;
    }

    private static void RequireSameShape(Tensor a, Tensor b, string op)
    {
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape) || a.DType != b.DType)
            throw new ArgumentException($"{op}: operands differ: ({string.Join(", ", a.Shape)}) {a.DType} vs ({string.Join(", ", b.Shape)}) {b.DType}");
    }
}
