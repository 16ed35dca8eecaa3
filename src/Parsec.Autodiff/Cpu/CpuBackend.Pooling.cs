using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Pool2dForward(Pool2dForwardArgs a)
    {
        if (IsDouble(a.X)) Pooling.Forward(a.Geometry, Arr<double>(a.X), Arr<double>(a.Y));
        else Pooling.Forward(a.Geometry, Arr<float>(a.X), Arr<float>(a.Y));
    }

    public void Pool2dBackward(Pool2dBackwardArgs a)
    {
        if (IsDouble(a.X)) Pooling.Backward(a.Geometry, Arr<double>(a.X), Arr<double>(a.Y), Arr<double>(a.Dy), Arr<double>(a.Dx), a.Accumulate);
        else Pooling.Backward(a.Geometry, Arr<float>(a.X), Arr<float>(a.Y), Arr<float>(a.Dy), Arr<float>(a.Dx), a.Accumulate);
    }

    public void GlobalAvgPool(GlobalAvgPoolArgs a)
    {
        if (IsDouble(a.X)) GlobalAvgPool(a.XShape, Arr<double>(a.X), Arr<double>(a.Y));
        else GlobalAvgPool(a.XShape, Arr<float>(a.X), Arr<float>(a.Y));
    }

    private static void GlobalAvgPool<T>(Shape4 s, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        T count = T.CreateTruncating(plane);
        CpuParallel.For(s.N * s.C, plane, p => y[p] = TensorPrimitives.Sum<T>(x.AsSpan(p * plane, plane)) / count);
    }

    public void GlobalAvgPoolBackward(GlobalAvgPoolBackwardArgs a)
    {
        if (IsDouble(a.Dy)) GlobalAvgPoolBackward(a.XShape, Arr<double>(a.Dy), Arr<double>(a.Dx), a.Accumulate);
        else GlobalAvgPoolBackward(a.XShape, Arr<float>(a.Dy), Arr<float>(a.Dx), a.Accumulate);
    }

    private static void GlobalAvgPoolBackward<T>(Shape4 s, T[] dy, T[] dx, bool accumulate) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        T count = T.CreateTruncating(plane);
        CpuParallel.For(s.N * s.C, plane, p =>
        {
            var dst = dx.AsSpan(p * plane, plane);
            T g = dy[p] / count;
            if (accumulate) TensorPrimitives.Add(dst, g, dst);
            else dst.Fill(g);
        });
    }
}
