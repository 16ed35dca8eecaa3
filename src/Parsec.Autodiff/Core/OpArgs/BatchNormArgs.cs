namespace Parsec.Autodiff;

// Batch norm per channel over (N, H, W). Per-channel buffers hold C values; gamma and beta are both given or
// both null (the search phase's non-affine norm).

/// <summary>
/// Training mode: normalises with batch statistics, writes SaveMean and SaveInvStd (1/sqrt(var + eps), biased var)
/// for backward, and updates running statistics: r = (1 - momentum) r + momentum * stat, with the unbiased
/// variance for RunVar (PyTorch semantics).
/// </summary>
public sealed record BatchNormTrainingArgs
{
    public BatchNormTrainingArgs(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd)
    {
        var check = BatchNormCheck.Run("BatchNormTraining", xShape, x, y, gamma, beta, runMean, runVar, saveMean, saveInvStd);
        BatchNormCheck.Affine(check, gamma, beta);
        if ((long)xShape.N * xShape.H * xShape.W < 2)
            throw check.Error($"training-mode batch norm needs more than one value per channel, input is {xShape}");
        (XShape, X, Gamma, Beta, RunMean, RunVar, Momentum, Epsilon, Y, SaveMean, SaveInvStd) =
            (xShape, x, gamma, beta, runMean, runVar, momentum, epsilon, y, saveMean, saveInvStd);
    }

    public Shape4 XShape { get; }
    public Storage X { get; }           // XShape (N, C, H, W)
    public Storage? Gamma { get; }      // (C)
    public Storage? Beta { get; }       // (C)
    public Storage RunMean { get; }     // (C), updated
    public Storage RunVar { get; }      // (C), updated
    public double Momentum { get; }
    public double Epsilon { get; }
    public Storage Y { get; }           // XShape (N, C, H, W)
    public Storage SaveMean { get; }    // (C)
    public Storage SaveInvStd { get; }  // (C)
}

/// <summary>Evaluation mode: normalises with the running statistics; nothing is updated.</summary>
public sealed record BatchNormInferenceArgs
{
    public BatchNormInferenceArgs(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y)
    {
        BatchNormCheck.Affine(BatchNormCheck.Run("BatchNormInference", xShape, x, y, gamma, beta, runMean, runVar), gamma, beta);
        (XShape, X, Gamma, Beta, RunMean, RunVar, Epsilon, Y) = (xShape, x, gamma, beta, runMean, runVar, epsilon, y);
    }

    public Shape4 XShape { get; }
    public Storage X { get; }        // XShape (N, C, H, W)
    public Storage? Gamma { get; }   // (C)
    public Storage? Beta { get; }    // (C)
    public Storage RunMean { get; }  // (C)
    public Storage RunVar { get; }   // (C)
    public double Epsilon { get; }
    public Storage Y { get; }        // XShape (N, C, H, W)
}

/// <summary>Backward of training mode. Dgamma and Dbeta always accumulate (they are weight gradients).</summary>
public sealed record BatchNormBackwardArgs
{
    public BatchNormBackwardArgs(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate)
    {
        var check = BatchNormCheck.Run("BatchNormBackward", xShape, x, dy, gamma, null, saveMean, saveInvStd, dgamma, dbeta);
        check.Floats(x, dx);
        check.Length(dx, xShape.Length, "dx", xShape);
        (XShape, X, Dy, Gamma, SaveMean, SaveInvStd, Dx, Dgamma, Dbeta, Accumulate) =
            (xShape, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, accumulate);
    }

    public Shape4 XShape { get; }
    public Storage X { get; }           // XShape (N, C, H, W)
    public Storage Dy { get; }          // XShape (N, C, H, W)
    public Storage? Gamma { get; }      // (C)
    public Storage SaveMean { get; }    // (C)
    public Storage SaveInvStd { get; }  // (C)
    public Storage Dx { get; }          // XShape (N, C, H, W)
    public Storage? Dgamma { get; }     // (C)
    public Storage? Dbeta { get; }      // (C)
    public bool Accumulate { get; }
}

internal static class BatchNormCheck
{
    /// <summary>x and y are (N, C, H, W); every per-channel buffer given holds C values.</summary>
    public static OpCheck Run(string op, Shape4 xShape, Storage x, Storage y, Storage? gamma, Storage? beta, params ReadOnlySpan<Storage?> perChannel)
    {
        var check = new OpCheck(op);
        check.Floats(x, y, gamma, beta);
        check.Length(x, xShape.Length, "the input", xShape);
        check.Length(y, xShape.Length, "the output", xShape);
        check.Length(gamma, xShape.C, "gamma");
        check.Length(beta, xShape.C, "beta");
        foreach (var s in perChannel)
        {
            check.Floats(x, s);
            check.Length(s, xShape.C, "a per-channel buffer");
        }
        return check;
    }

    /// <summary>The forward directions scale and shift together or not at all.</summary>
    public static void Affine(OpCheck check, Storage? gamma, Storage? beta)
    {
        if ((gamma is null) != (beta is null)) throw check.Error("give both gamma and beta, or neither");
    }
}
