namespace Parsec.Autodiff;

/// <summary>y = the windowed max or average of x.</summary>
public sealed record Pool2dForwardArgs
{
    public Pool2dForwardArgs(Pool2dGeometry geometry, Storage x, Storage y)
    {
        PoolingCheck.Windowed("Pool2dForward", geometry, x, y);
        (Geometry, X, Y) = (geometry, x, y);
    }

    public Pool2dGeometry Geometry { get; }
    public Storage X { get; }  // Geometry.Input (N, C, H, W)
    public Storage Y { get; }  // Geometry.Output (N, C, OutH, OutW)
}

/// <summary>dx (+)= the pooling's gradient, from the forward input x and output y.</summary>
public sealed record Pool2dBackwardArgs
{
    public Pool2dBackwardArgs(Pool2dGeometry geometry, Storage x, Storage y, Storage dy, Storage dx, bool accumulate)
    {
        PoolingCheck.Windowed("Pool2dBackward", geometry, x, y);
        PoolingCheck.Windowed("Pool2dBackward", geometry, dx, dy);
        new OpCheck("Pool2dBackward").Floats(x, dx);
        (Geometry, X, Y, Dy, Dx, Accumulate) = (geometry, x, y, dy, dx, accumulate);
    }

    public Pool2dGeometry Geometry { get; }
    public Storage X { get; }   // Geometry.Input (N, C, H, W)
    public Storage Y { get; }   // Geometry.Output (N, C, OutH, OutW)
    public Storage Dy { get; }  // Geometry.Output (N, C, OutH, OutW)
    public Storage Dx { get; }  // Geometry.Input (N, C, H, W)
    public bool Accumulate { get; }
}

/// <summary>y (N, C) = the mean over H and W of x (N, C, H, W).</summary>
public sealed record GlobalAvgPoolArgs
{
    public GlobalAvgPoolArgs(Shape4 xShape, Storage x, Storage y)
    {
        PoolingCheck.Global("GlobalAvgPool", xShape, x, y);
        (XShape, X, Y) = (xShape, x, y);
    }

    public Shape4 XShape { get; }
    public Storage X { get; }  // XShape (N, C, H, W)
    public Storage Y { get; }  // (N, C)
}

/// <summary>dx[n, c, :, :] (+)= dy[n, c] / (H W).</summary>
public sealed record GlobalAvgPoolBackwardArgs
{
    public GlobalAvgPoolBackwardArgs(Shape4 xShape, Storage dy, Storage dx, bool accumulate)
    {
        PoolingCheck.Global("GlobalAvgPoolBackward", xShape, dx, dy);
        (XShape, Dy, Dx, Accumulate) = (xShape, dy, dx, accumulate);
    }

    public Shape4 XShape { get; }
    public Storage Dy { get; }  // (N, C)
    public Storage Dx { get; }  // XShape (N, C, H, W)
    public bool Accumulate { get; }
}

internal static class PoolingCheck
{
    public static void Windowed(string op, Pool2dGeometry g, Storage x, Storage y)
    {
        var check = new OpCheck(op);
        g.Validate();
        check.Floats(x, y);
        check.Length(x, g.Input.Length, "the input", g.Input);
        check.Length(y, g.Output.Length, "the output", g.Output);
    }

    /// <summary>x is the feature-map-shaped operand, y the pooled (N, C) one.</summary>
    public static void Global(string op, Shape4 xShape, Storage x, Storage y)
    {
        var check = new OpCheck(op);
        check.Floats(x, y);
        check.Length(x, xShape.Length, "the feature maps", xShape);
        check.Length(y, (long)xShape.N * xShape.C, "the pooled (N, C) output");
        if (xShape.N * xShape.C > 0 && xShape.H * xShape.W == 0) throw check.Error($"the feature maps {xShape} are empty");
    }
}
