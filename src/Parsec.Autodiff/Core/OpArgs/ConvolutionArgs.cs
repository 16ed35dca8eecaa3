namespace Parsec.Autodiff;

// Convolutions: the geometry fixes every operand's length. A convolution may read its input through a ReLU,
// conv(max(x, 0), w): the pre-activation ReLU of ReLU-Conv-BN fused into the convolution, so that max(x, 0) is
// never stored and its gradient never makes a pass of its own. The forward and filter-gradient records say so
// with ReluInput; the data-gradient record carries x itself (ReluMask), since the ReLU's gradient needs it.

/// <summary>y = conv(x, w), or conv(max(x, 0), w) with <see cref="ReluInput"/>.</summary>
public sealed record Conv2dForwardArgs
{
    public Conv2dForwardArgs(Conv2dGeometry geometry, Storage x, Storage w, Storage y, bool reluInput = false)
    {
        ConvolutionCheck.Run("Conv2dForward", geometry, x, w, y);
        (Geometry, X, W, Y, ReluInput) = (geometry, x, w, y, reluInput);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage X { get; }  // Geometry.Input (N, InC, H, W)
    public Storage W { get; }  // (OutC, InC / Groups, K, K)
    public Storage Y { get; }  // Geometry.Output (N, OutC, OutH, OutW)
    public bool ReluInput { get; }
}

/// <summary>
/// dx (+)= the adjoint of the convolution applied to dy; with <see cref="ReluMask"/> (the forward input x of a
/// convolution that read max(x, 0)) only where x > 0, elsewhere dx gets nothing added (or 0).
/// </summary>
public sealed record Conv2dBackwardDataArgs
{
    public Conv2dBackwardDataArgs(Conv2dGeometry geometry, Storage dy, Storage w, Storage dx, bool accumulate, Storage? reluMask = null)
    {
        ConvolutionCheck.Run("Conv2dBackwardData", geometry, dx, w, dy);
        if (reluMask is not null)
        {
            var check = new OpCheck("Conv2dBackwardData");
            check.Floats(dx, reluMask);
            check.Length(reluMask, geometry.Input.Length, "the ReLU mask (the forward input)", geometry.Input);
        }
        (Geometry, Dy, W, Dx, Accumulate, ReluMask) = (geometry, dy, w, dx, accumulate, reluMask);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage Dy { get; }  // Geometry.Output (N, OutC, OutH, OutW)
    public Storage W { get; }   // (OutC, InC / Groups, K, K)
    public Storage Dx { get; }  // Geometry.Input (N, InC, H, W)
    public bool Accumulate { get; }
    public Storage? ReluMask { get; }  // Geometry.Input, or null
}

/// <summary>dw (+)= the weight gradient of the convolution from x (read as max(x, 0) with <see cref="ReluInput"/>) and dy.</summary>
public sealed record Conv2dBackwardFilterArgs
{
    public Conv2dBackwardFilterArgs(Conv2dGeometry geometry, Storage x, Storage dy, Storage dw, bool accumulate, bool reluInput = false)
    {
        ConvolutionCheck.Run("Conv2dBackwardFilter", geometry, x, dw, dy);
        (Geometry, X, Dy, Dw, Accumulate, ReluInput) = (geometry, x, dy, dw, accumulate, reluInput);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage X { get; }   // Geometry.Input (N, InC, H, W)
    public Storage Dy { get; }  // Geometry.Output (N, OutC, OutH, OutW)
    public Storage Dw { get; }  // (OutC, InC / Groups, K, K)
    public bool Accumulate { get; }
    public bool ReluInput { get; }
}

internal static class ConvolutionCheck
{
    /// <summary>x, w and y stand for the input-, weight- and output-shaped operands of any direction.</summary>
    public static void Run(string op, Conv2dGeometry g, Storage x, Storage w, Storage y)
    {
        var check = new OpCheck(op);
        g.Validate();
        check.Floats(x, w, y);
        check.Length(x, g.Input.Length, "the input", g.Input);
        check.Length(w, g.WeightLength, "the weight", $"({string.Join(", ", g.WeightShape)})");
        check.Length(y, g.Output.Length, "the output", g.Output);
    }
}
