namespace Parsec.Autodiff;

/// <summary>Creates trainable tensors: persistent weights with a persistent gradient buffer that backward accumulates into.</summary>
public static class Parameters
{
    public static Tensor Create(IBackend backend, string name, int[] shape, DType dtype)
    {
        var t = Tensor.Zeros(backend, shape, dtype, BufferCategory.Weights, name);
        t.RequiresGrad = true;
        t.Grad = Tensor.Zeros(backend, shape, dtype, BufferCategory.WeightGradients, $"{name}.grad");
        return t;
    }

    /// <summary>Marks an existing tensor (e.g. a test input) as differentiable without a persistent gradient buffer.</summary>
    public static Tensor RequireGrad(Tensor t)
    {
        t.RequiresGrad = true;
        return t;
    }

    public static void ZeroGrad(Tensor parameter)
    {
        if (parameter.Grad is { } g) parameter.Backend.Fill(g.Storage, 0);
    }

    /// <summary>Zeroes the gradient buffers of <paramref name="parameters"/> in one multi-tensor call (a few launches on a GPU, not one per tensor).</summary>
    public static void ZeroGrads(IEnumerable<Tensor> parameters)
    {
        var gradients = Gradients(parameters);
        if (gradients.Count > 0) gradients[0].Backend.FillMany(new FillManyArgs(gradients.Select(g => g.Storage).ToList(), 0));
    }

    /// <summary>The gradient buffers of the parameters that have one, in order.</summary>
    public static IReadOnlyList<Tensor> Gradients(IEnumerable<Tensor> parameters) => parameters.Select(p => p.Grad).OfType<Tensor>().ToList();

    /// <summary>Drops the gradient of a non-parameter tensor (inputs marked with <see cref="RequireGrad"/>) so a new backward overwrites it.</summary>
    public static void ClearGrad(Tensor t)
    {
        if (t.Grad is { } g && !g.Storage.Category.IsPersistent()) t.Grad = null;
    }
}
