using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Elementwise(ElementwiseArgs args)
    {
        switch (args)
        {
            case ReluArgs a: Relu(a); break;
            case ReluBackwardArgs a: ReluBackward(a); break;
            case AddArgs a: Add(a); break;
            case ScaleArgs a: Scale(a); break;
            case ScaleRowsArgs a: ScaleRows(a); break;
            default: throw new NotSupportedException($"the cpu backend has no loop for {args.GetType().Name}");
        }
    }

    private static void Relu(ReluArgs a)
    {
        if (IsDouble(a.X)) Relu(Arr<double>(a.X), Arr<double>(a.Y), a.X.Length);
        else Relu(Arr<float>(a.X), Arr<float>(a.Y), a.X.Length);
    }

    private static void Relu<T>(T[] x, T[] y, long length) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => TensorPrimitives.Max(x.AsSpan(start, count), T.Zero, y.AsSpan(start, count)));

    private static void ReluBackward(ReluBackwardArgs a)
    {
        if (IsDouble(a.Y)) ReluBackward(Arr<double>(a.Y), Arr<double>(a.Dy), Arr<double>(a.Dx), a.Y.Length, a.Accumulate);
        else ReluBackward(Arr<float>(a.Y), Arr<float>(a.Dy), Arr<float>(a.Dx), a.Y.Length, a.Accumulate);
    }

    private static void ReluBackward<T>(T[] y, T[] dy, T[] dx, long length, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => VectorMath.MaskedCopyOrAdd<T>(dy.AsSpan(start, count), y.AsSpan(start, count), dx.AsSpan(start, count), accumulate));

    private static void Add(AddArgs a)
    {
        if (IsDouble(a.A)) Add(Arr<double>(a.A), Arr<double>(a.B), Arr<double>(a.Y), a.A.Length);
        else Add(Arr<float>(a.A), Arr<float>(a.B), Arr<float>(a.Y), a.A.Length);
    }

    private static void Add<T>(T[] a, T[] b, T[] y, long length) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => TensorPrimitives.Add(a.AsSpan(start, count), b.AsSpan(start, count), y.AsSpan(start, count)));

    private static void Scale(ScaleArgs a)
    {
        if (IsDouble(a.X)) Scale(Arr<double>(a.X), a.Alpha, Arr<double>(a.Y), a.X.Length, a.Accumulate);
        else Scale(Arr<float>(a.X), (float)a.Alpha, Arr<float>(a.Y), a.X.Length, a.Accumulate);
    }

    private static void Scale<T>(T[] x, T alpha, T[] y, long length, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) =>
        {
            var xs = x.AsSpan(start, count);
            var ys = y.AsSpan(start, count);
            if (accumulate) TensorPrimitives.MultiplyAdd(xs, alpha, ys, ys);
            else if (alpha == T.One) xs.CopyTo(ys);
            else TensorPrimitives.Multiply(xs, alpha, ys);
        });

    private static void ScaleRows(ScaleRowsArgs a)
    {
        if (IsDouble(a.X)) ScaleRows(Arr<double>(a.X), Arr<double>(a.RowScale), a.RowLength, Arr<double>(a.Y), a.Accumulate);
        else ScaleRows(Arr<float>(a.X), Arr<float>(a.RowScale), a.RowLength, Arr<float>(a.Y), a.Accumulate);
    }

    private static void ScaleRows<T>(T[] x, T[] rowScale, int rowLength, T[] y, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.For((int)(x.LongLength / rowLength), rowLength, r =>
        {
            var xs = x.AsSpan(r * rowLength, rowLength);
            var ys = y.AsSpan(r * rowLength, rowLength);
            if (accumulate) TensorPrimitives.MultiplyAdd(xs, rowScale[r], ys, ys);
            else TensorPrimitives.Multiply(xs, rowScale[r], ys);
        });
}
