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
        var gradients = new List<Tensor>();
        foreach (var p in parameters)
            if (p.Grad is { } g) gradients.Add(g);
        double sumOfSquares = 0;
        foreach (var g in gradients) sumOfSquares += g.Backend.SumOfSquares(g.Storage);
        double total = Math.Sqrt(sumOfSquares);
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1)
            foreach (var g in gradients) g.Backend.Elementwise(new ScaleArgs(g.Storage, coefficient, g.Storage, accumulate: false));
        return total;
    }
}
