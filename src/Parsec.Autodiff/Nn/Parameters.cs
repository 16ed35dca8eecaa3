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

    /// <summary>Drops the gradient of a non-parameter tensor (inputs marked with <see cref="RequireGrad"/>) so a new backward overwrites it.</summary>
    public static void ClearGrad(Tensor t)
    {
        if (t.Grad is { } g && !g.Storage.Category.IsPersistent()) t.Grad = null;
    }
}
