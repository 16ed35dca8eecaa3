namespace Parsec.Autodiff;

// Batch norm per channel over (N, H, W). Per-channel buffers hold C values; gamma and beta are both given or
// both null (the search phase's non-affine norm). A norm may be fused with the ReLU that follows it: the forward
// records say so with Relu (y = max(bn(x), 0)), the backward record carries that y (ReluOutput), whose sign
// gates the upstream gradient as the ReLU's backward would.

/// <summary>
/// Training mode: normalises with batch statistics, writes SaveMean and SaveInvStd (1/sqrt(var + eps), biased var)
/// for backward, and updates running statistics: r = (1 - momentum) r + momentum * stat, with the unbiased
/// variance for RunVar (PyTorch semantics). With <see cref="Relu"/>, y = max(bn(x), 0).
/// </summary>
public sealed record BatchNormTrainingArgs
{
    public BatchNormTrainingArgs(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd, bool relu = false)
    {
        var check = BatchNormCheck.Run("BatchNormTraining", xShape, x, y, gamma, beta, runMean, runVar, saveMean, saveInvStd);
        BatchNormCheck.Affine(check, gamma, beta);
        if ((long)xShape.N * xShape.H * xShape.W < 2)
            throw check.Error($"training-mode batch norm needs more than one value per channel, input is {xShape}");
        (XShape, X, Gamma, Beta, RunMean, RunVar, Momentum, Epsilon, Y, SaveMean, SaveInvStd, Relu) =
            (xShape, x, gamma, beta, runMean, runVar, momentum, epsilon, y, saveMean, saveInvStd, relu);
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
    public bool Relu { get; }
}

/// <summary>Evaluation mode: normalises with the running statistics; nothing is updated. With <see cref="Relu"/>, y = max(bn(x), 0).</summary>
public sealed record BatchNormInferenceArgs
{
    public BatchNormInferenceArgs(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y, bool relu = false)
    {
        BatchNormCheck.Affine(BatchNormCheck.Run("BatchNormInference", xShape, x, y, gamma, beta, runMean, runVar), gamma, beta);
        (XShape, X, Gamma, Beta, RunMean, RunVar, Epsilon, Y, Relu) = (xShape, x, gamma, beta, runMean, runVar, epsilon, y, relu);
    }

    public Shape4 XShape { get; }
    public Storage X { get; }        // XShape (N, C, H, W)
    public Storage? Gamma { get; }   // (C)
    public Storage? Beta { get; }    // (C)
    public Storage RunMean { get; }  // (C)
    public Storage RunVar { get; }   // (C)
    public double Epsilon { get; }
    public Storage Y { get; }        // XShape (N, C, H, W)
    public bool Relu { get; }
}

/// <summary>
/// Backward of training mode. Dgamma and Dbeta always accumulate (they are weight gradients). With
/// <see cref="ReluOutput"/> (the y of a forward with Relu) dy counts only where that y is above zero.
/// </summary>
public sealed record BatchNormBackwardArgs
{
    public BatchNormBackwardArgs(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate, Storage? reluOutput = null)
    {
        var check = BatchNormCheck.Run("BatchNormBackward", xShape, x, dy, gamma, null, saveMean, saveInvStd, dgamma, dbeta);
        check.Floats(x, dx, reluOutput);
        check.Length(dx, xShape.Length, "dx", xShape);
        check.Length(reluOutput, xShape.Length, "the ReLU output", xShape);
        (XShape, X, Dy, Gamma, SaveMean, SaveInvStd, Dx, Dgamma, Dbeta, Accumulate, ReluOutput) =
            (xShape, x, dy, gamma, saveMean, saveInvStd, dx, dgamma, dbeta, accumulate, reluOutput);
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
    public Storage? ReluOutput { get; } // XShape (N, C, H, W), or null
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
