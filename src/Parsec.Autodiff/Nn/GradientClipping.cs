namespace Parsec.Autodiff;

public static class GradientClipping
{
    /// <summary>
    /// torch.nn.utils.clip_grad_norm_ (2-norm): scales every gradient by maxNorm / (total + 1e-6) when that
    /// is below 1. Returns the total norm before clipping. Parameters without a gradient are skipped.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Tensor> parameters, double maxNorm)
    {
        if (maxNorm <= 0) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the norm limit must be positive");
        var gradients = Parameters.Gradients(parameters).Select(g => g.Storage).ToList();
        if (gradients.Count == 0) return 0;
        // Multi-tensor calls: on a GPU a few launches and one wait for the whole bank, not one per gradient.
        var backend = gradients[0].Backend;
        double total = Math.Sqrt(backend.SumOfSquaresMany(new SumOfSquaresManyArgs(gradients)));
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1) backend.ScaleMany(new ScaleManyArgs(gradients, coefficient));
        return total;
    }
}
