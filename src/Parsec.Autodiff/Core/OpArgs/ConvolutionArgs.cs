namespace Parsec.Autodiff;

// Convolutions: the geometry fixes every operand's length.

/// <summary>y = conv(x, w).</summary>
public sealed record Conv2dForwardArgs
{
    public Conv2dForwardArgs(Conv2dGeometry geometry, Storage x, Storage w, Storage y)
    {
        ConvolutionCheck.Run("Conv2dForward", geometry, x, w, y);
        (Geometry, X, W, Y) = (geometry, x, w, y);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage X { get; }  // Geometry.Input (N, InC, H, W)
    public Storage W { get; }  // (OutC, InC / Groups, K, K)
    public Storage Y { get; }  // Geometry.Output (N, OutC, OutH, OutW)
}

/// <summary>dx (+)= the adjoint of the convolution applied to dy.</summary>
public sealed record Conv2dBackwardDataArgs
{
    public Conv2dBackwardDataArgs(Conv2dGeometry geometry, Storage dy, Storage w, Storage dx, bool accumulate)
    {
        ConvolutionCheck.Run("Conv2dBackwardData", geometry, dx, w, dy);
        (Geometry, Dy, W, Dx, Accumulate) = (geometry, dy, w, dx, accumulate);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage Dy { get; }  // Geometry.Output (N, OutC, OutH, OutW)
    public Storage W { get; }   // (OutC, InC / Groups, K, K)
    public Storage Dx { get; }  // Geometry.Input (N, InC, H, W)
    public bool Accumulate { get; }
}

/// <summary>dw (+)= the weight gradient of the convolution from x and dy.</summary>
public sealed record Conv2dBackwardFilterArgs
{
    public Conv2dBackwardFilterArgs(Conv2dGeometry geometry, Storage x, Storage dy, Storage dw, bool accumulate)
    {
        ConvolutionCheck.Run("Conv2dBackwardFilter", geometry, x, dw, dy);
        (Geometry, X, Dy, Dw, Accumulate) = (geometry, x, dy, dw, accumulate);
    }

    public Conv2dGeometry Geometry { get; }
    public Storage X { get; }   // Geometry.Input (N, InC, H, W)
    public Storage Dy { get; }  // Geometry.Output (N, OutC, OutH, OutW)
    public Storage Dw { get; }  // (OutC, InC / Groups, K, K)
    public bool Accumulate { get; }
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
