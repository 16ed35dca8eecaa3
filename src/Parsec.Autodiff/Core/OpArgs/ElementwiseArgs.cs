namespace Parsec.Autodiff;

/// <summary>
/// An element-wise op: every operand has the same length and float type (ScaleRows' row factors excepted). Every
/// backend runs the family through one <see cref="IBackend.Elementwise"/> entry, so a new op is its record here, its
/// loop in Cpu/CpuBackend.Elementwise.cs, its kernel in kernels/elementwise.cu and its launch declaration in
/// Cuda/Kernels/ElementwiseKernels.cs (ElementwiseDispatchTests checks that every record has the last three).
/// </summary>
public abstract record ElementwiseArgs;

/// <summary>y = max(x, 0).</summary>
internal sealed record ReluArgs : ElementwiseArgs
{
    public ReluArgs(Storage x, Storage y)
    {
        new OpCheck("Relu").SameLength(x, y);
        (X, Y) = (x, y);
    }

    public Storage X { get; }  // any shape, n elements
    public Storage Y { get; }  // x's shape
}

/// <summary>dx (+)= dy * (y > 0), using the forward output y.</summary>
internal sealed record ReluBackwardArgs : ElementwiseArgs
{
    public ReluBackwardArgs(Storage y, Storage dy, Storage dx, bool accumulate)
    {
        new OpCheck("ReluBackward").SameLength(y, dy, dx);
        (Y, Dy, Dx, Accumulate) = (y, dy, dx, accumulate);
    }

    public Storage Y { get; }   // the forward output, n elements
    public Storage Dy { get; }  // y's shape
    public Storage Dx { get; }  // y's shape
    public bool Accumulate { get; }
}

/// <summary>y = a + b.</summary>
internal sealed record AddArgs : ElementwiseArgs
{
    public AddArgs(Storage a, Storage b, Storage y)
    {
        new OpCheck("Add").SameLength(a, b, y);
        (A, B, Y) = (a, b, y);
    }

    public Storage A { get; }  // any shape, n elements
    public Storage B { get; }  // a's shape
    public Storage Y { get; }  // a's shape
}

/// <summary>y (+)= alpha * x.</summary>
internal sealed record ScaleArgs : ElementwiseArgs
{
    public ScaleArgs(Storage x, double alpha, Storage y, bool accumulate)
    {
        new OpCheck("Scale").SameLength(x, y);
        (X, Alpha, Y, Accumulate) = (x, alpha, y, accumulate);
    }

    public Storage X { get; }  // any shape, n elements
    public double Alpha { get; }
    public Storage Y { get; }  // x's shape; may be x itself
    public bool Accumulate { get; }
}

/// <summary>y[r, ...] (+)= x[r, ...] * rowScale[r] for rows of <see cref="RowLength"/> elements (drop path).</summary>
internal sealed record ScaleRowsArgs : ElementwiseArgs
{
    public ScaleRowsArgs(Storage x, Storage rowScale, int rowLength, Storage y, bool accumulate)
    {
        var check = new OpCheck("ScaleRows");
        check.SameLength(x, y);
        check.Floats(x, rowScale);
        if (rowLength < 1 || x.Length != rowScale.Length * rowLength)
            throw check.Error($"{rowScale.Length} rows of {rowLength} do not make {x.Length} elements");
        (X, RowScale, RowLength, Y, Accumulate) = (x, rowScale, rowLength, y, accumulate);
    }

    public Storage X { get; }         // (rows, RowLength)
    public Storage RowScale { get; }  // (rows)
    public int RowLength { get; }
    public Storage Y { get; }         // (rows, RowLength)
    public bool Accumulate { get; }
}
