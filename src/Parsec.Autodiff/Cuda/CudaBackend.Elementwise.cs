using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Element-wise ops: kernels/elementwise.cu. Each kernel takes device pointers, the element count and, for
// backward rules, the accumulate flag, in exactly the order of its C parameters.
public sealed partial class CudaBackend
{
    public void Relu(Storage x, Storage y)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(Relu), "x"), py = F32(y, nameof(Relu), "y", n);
        if (n == 0) return;
        Launch(new ReluForwardKernel(px, py, n), LaunchShape.Linear(n));
    }

    public void ReluBackward(Storage y, Storage dy, Storage dx, bool accumulate)
    {
        long n = y.Length;
        ulong py = F32(y, nameof(ReluBackward), "y"), pdy = F32(dy, nameof(ReluBackward), "dy", n), pdx = F32(dx, nameof(ReluBackward), "dx", n);
        int acc = Flag(accumulate);
        if (n == 0) return;
        Launch(new ReluBackwardKernel(py, pdy, pdx, n, acc), LaunchShape.Linear(n));
    }

    public void Add(Storage a, Storage b, Storage y)
    {
        long n = a.Length;
        ulong pa = F32(a, nameof(Add), "a"), pb = F32(b, nameof(Add), "b", n), py = F32(y, nameof(Add), "y", n);
        if (n == 0) return;
        Launch(new AddForwardKernel(pa, pb, py, n), LaunchShape.Linear(n));
    }

    public void Scale(Storage x, double alpha, Storage y, bool accumulate)
    {
        long n = x.Length;
        ulong px = F32(x, nameof(Scale), "x"), py = F32(y, nameof(Scale), "y", n);
        float a = (float)alpha;
        int acc = Flag(accumulate);
        if (n == 0) return;
        Launch(new ScaleKernel(px, a, py, n, acc), LaunchShape.Linear(n));
    }

    public void ScaleRows(Storage x, Storage rowScale, int rowLength, Storage y, bool accumulate)
    {
        long n = x.Length;
        long row = rowLength;
        if (rowLength <= 0 || n % rowLength != 0 || n / rowLength != rowScale.Length)
            throw new ArgumentException($"ScaleRows: {n} elements in rows of {rowLength} do not match {rowScale.Length} row factors");
        ulong px = F32(x, nameof(ScaleRows), "x"), ps = F32(rowScale, nameof(ScaleRows), "rowScale"), py = F32(y, nameof(ScaleRows), "y", n);
        int acc = Flag(accumulate);
        if (n == 0) return;
        Launch(new ScaleRowsKernel(px, ps, row, py, n, acc), LaunchShape.Linear(n));
    }
}
