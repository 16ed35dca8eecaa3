using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Element-wise ops: kernels/elementwise.cu. Each kernel takes device pointers, the element count and, for
// backward rules, the accumulate flag, in exactly the order of its C parameters.
public sealed partial class CudaBackend
{
    public void Relu(ReluArgs a)
    {
        long n = a.X.Length;
        ulong px = F32(a.X, nameof(Relu), "x"), py = F32(a.Y, nameof(Relu), "y");
        if (n == 0) return;
        Launch(new ReluForwardKernel(px, py, n), LaunchShape.Linear(n));
    }

    public void ReluBackward(ReluBackwardArgs a)
    {
        long n = a.Y.Length;
        ulong py = F32(a.Y, nameof(ReluBackward), "y"), pdy = F32(a.Dy, nameof(ReluBackward), "dy"), pdx = F32(a.Dx, nameof(ReluBackward), "dx");
        int acc = Flag(a.Accumulate);
        if (n == 0) return;
        Launch(new ReluBackwardKernel(py, pdy, pdx, n, acc), LaunchShape.Linear(n));
    }

    public void Add(AddArgs a)
    {
        long n = a.A.Length;
        ulong pa = F32(a.A, nameof(Add), "a"), pb = F32(a.B, nameof(Add), "b"), py = F32(a.Y, nameof(Add), "y");
        if (n == 0) return;
        Launch(new AddForwardKernel(pa, pb, py, n), LaunchShape.Linear(n));
    }

    public void Scale(ScaleArgs a)
    {
        long n = a.X.Length;
        ulong px = F32(a.X, nameof(Scale), "x"), py = F32(a.Y, nameof(Scale), "y");
        float alpha = (float)a.Alpha;
        int acc = Flag(a.Accumulate);
        if (n == 0) return;
        Launch(new ScaleKernel(px, alpha, py, n, acc), LaunchShape.Linear(n));
    }

    public void ScaleRows(ScaleRowsArgs a)
    {
        long n = a.X.Length;
        long row = a.RowLength;
        ulong px = F32(a.X, nameof(ScaleRows), "x"), ps = F32(a.RowScale, nameof(ScaleRows), "rowScale"), py = F32(a.Y, nameof(ScaleRows), "y");
        int acc = Flag(a.Accumulate);
        if (n == 0) return;
        Launch(new ScaleRowsKernel(px, ps, row, py, n, acc), LaunchShape.Linear(n));
    }
}
