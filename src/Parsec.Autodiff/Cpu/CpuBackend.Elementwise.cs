using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Relu(Storage x, Storage y)
    {
        RequireLength(nameof(Relu), y, x.Length, "y");
        if (IsDouble(nameof(Relu), x, y)) Relu(Arr<double>(x), Arr<double>(y), x.Length);
        else Relu(Arr<float>(x), Arr<float>(y), x.Length);
    }

    private static void Relu<T>(T[] x, T[] y, long length) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => TensorPrimitives.Max(x.AsSpan(start, count), T.Zero, y.AsSpan(start, count)));

    public void ReluBackward(Storage y, Storage dy, Storage dx, bool accumulate)
    {
        RequireLength(nameof(ReluBackward), dy, y.Length, "dy");
        RequireLength(nameof(ReluBackward), dx, y.Length, "dx");
        if (IsDouble(nameof(ReluBackward), y, dy, dx)) ReluBackward(Arr<double>(y), Arr<double>(dy), Arr<double>(dx), y.Length, accumulate);
        else ReluBackward(Arr<float>(y), Arr<float>(dy), Arr<float>(dx), y.Length, accumulate);
    }

    private static void ReluBackward<T>(T[] y, T[] dy, T[] dx, long length, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => ReluBackwardChunk(y.AsSpan(start, count), dy.AsSpan(start, count), dx.AsSpan(start, count), accumulate));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ReluBackwardChunk<T>(ReadOnlySpan<T> y, ReadOnlySpan<T> dy, Span<T> dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dyr = ref MemoryMarshal.GetReference(dy);
        ref T dxr = ref MemoryMarshal.GetReference(dx);
        int i = 0, count = dx.Length;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= count - Vector<T>.Count; i += Vector<T>.Count)
            {
                nuint at = (nuint)i;
                var pass = Vector.GreaterThan(Vector.LoadUnsafe(ref yr, at), Vector<T>.Zero);
                var g = Vector.ConditionalSelect(pass, Vector.LoadUnsafe(ref dyr, at), Vector<T>.Zero);
                if (accumulate) g += Vector.LoadUnsafe(ref dxr, at);
                Vector.StoreUnsafe(g, ref dxr, at);
            }
        }
        for (; i < count; i++)
        {
            T g = y[i] > T.Zero ? dy[i] : T.Zero;
            dx[i] = accumulate ? dx[i] + g : g;
        }
    }

    public void Add(Storage a, Storage b, Storage y)
    {
        RequireLength(nameof(Add), b, a.Length, "b");
        RequireLength(nameof(Add), y, a.Length, "y");
        if (IsDouble(nameof(Add), a, b, y)) Add(Arr<double>(a), Arr<double>(b), Arr<double>(y), a.Length);
        else Add(Arr<float>(a), Arr<float>(b), Arr<float>(y), a.Length);
    }

    private static void Add<T>(T[] a, T[] b, T[] y, long length) where T : unmanaged, IFloatingPointIeee754<T> =>
        CpuParallel.ForChunks(length, (start, count) => TensorPrimitives.Add(a.AsSpan(start, count), b.AsSpan(start, count), y.AsSpan(start, count)));

    public void Scale(Storage x, double alpha, Storage y, bool accumulate)
    {
        RequireLength(nameof(Scale), y, x.Length, "y");
        if (IsDouble(nameof(Scale), x, y)) Scale(Arr<double>(x), alpha, Arr<double>(y), x.Length, accumulate);
        else Scale(Arr<float>(x), (float)alpha, Arr<float>(y), x.Length, accumulate);
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

    public void ScaleRows(Storage x, Storage rowScale, int rowLength, Storage y, bool accumulate)
    {
        if (rowLength < 1 || x.Length != rowScale.Length * rowLength)
            throw new ArgumentException($"{nameof(ScaleRows)}: {rowScale.Length} rows of {rowLength} do not make {x.Length} elements");
        RequireLength(nameof(ScaleRows), y, x.Length, "y");
        if (IsDouble(nameof(ScaleRows), x, rowScale, y)) ScaleRows(Arr<double>(x), Arr<double>(rowScale), rowLength, Arr<double>(y), accumulate);
        else ScaleRows(Arr<float>(x), Arr<float>(rowScale), rowLength, Arr<float>(y), accumulate);
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
