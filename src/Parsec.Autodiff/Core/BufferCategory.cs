namespace Parsec.Autodiff;

/// <summary>
/// What a buffer is for. Backends account bytes per category (the memory-footprint report) and the
/// CUDA arena places persistent categories and per-step categories in different regions.
/// </summary>
public enum BufferCategory
{
    /// <summary>Network weights and batch-norm running statistics: live for the whole run.</summary>
    Weights,
    /// <summary>Gradients of weights: live for the whole run (accumulated across samples).</summary>
    WeightGradients,
    /// <summary>Momentum, Adam moments: live for the whole run.</summary>
    OptimizerState,
    /// <summary>Input batches and labels: per step.</summary>
    Inputs,
    /// <summary>Forward outputs and tensors saved for backward: per step.</summary>
    Activations,
    /// <summary>Gradients of activations: per step.</summary>
    ActivationGradients,
    /// <summary>Scratch space for library calls (cuDNN workspaces): per step.</summary>
    Workspace,
}

internal static class BufferCategoryExtensions
{
    /// <summary>Persistent buffers survive <see cref="IBackend.ResetStep"/>; the others are released by it.</summary>
    public static bool IsPersistent(this BufferCategory category) =>
        category is BufferCategory.Weights or BufferCategory.WeightGradients or BufferCategory.OptimizerState;
}
