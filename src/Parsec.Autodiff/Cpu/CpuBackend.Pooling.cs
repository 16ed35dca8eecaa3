using System.Numerics;
using System.Numerics.Tensors;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void Pool2dForward(Pool2dGeometry g, Storage x, Storage y)
    {
        CheckPool(nameof(Pool2dForward), g, x, y);
        if (IsDouble(nameof(Pool2dForward), x, y)) Pooling.Forward(g, Arr<double>(x), Arr<double>(y));
        else Pooling.Forward(g, Arr<float>(x), Arr<float>(y));
    }

    public void Pool2dBackward(Pool2dGeometry g, Storage x, Storage y, Storage dy, Storage dx, bool accumulate)
    {
        const string op = nameof(Pool2dBackward);
        CheckPool(op, g, x, y);
        RequireLength(op, dy, g.Output.Length, $"dy {g.Output}");
        RequireLength(op, dx, g.Input.Length, $"dx {g.Input}");
        if (IsDouble(op, x, y, dy, dx)) Pooling.Backward(g, Arr<double>(x), Arr<double>(y), Arr<double>(dy), Arr<double>(dx), accumulate);
        else Pooling.Backward(g, Arr<float>(x), Arr<float>(y), Arr<float>(dy), Arr<float>(dx), accumulate);
    }

    private static void CheckPool(string op, Pool2dGeometry g, Storage x, Storage y)
    {
        g.Validate();
        RequireLength(op, x, g.Input.Length, $"the input {g.Input}");
        RequireLength(op, y, g.Output.Length, $"the output {g.Output}");
    }

    public void GlobalAvgPool(Shape4 xShape, Storage x, Storage y)
    {
        RequireLength(nameof(GlobalAvgPool), x, xShape.Length, $"x {xShape}");
        RequireLength(nameof(GlobalAvgPool), y, (long)xShape.N * xShape.C, $"y ({xShape.N}, {xShape.C})");
        if (IsDouble(nameof(GlobalAvgPool), x, y)) GlobalAvgPool(xShape, Arr<double>(x), Arr<double>(y));
        else GlobalAvgPool(xShape, Arr<float>(x), Arr<float>(y));
    }

    private static void GlobalAvgPool<T>(Shape4 s, T[] x, T[] y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = s.H * s.W;
        T count = T.CreateTruncating(plane);
        CpuParallel.For(s.N * s.C, plane, p => y[p] = TensorPrimitives.Sum<T>(x.AsSpan(p * plane, plane)) / count);
    }

    public void GlobalAvgPoolBackward(Shape4 xShape, Storage dy, Storage dx, bool accumulate)
    {
        RequireLength(nameof(GlobalAvgPoolBackward), dx, xShape.Length, $"dx {xShape}");
        RequireLength(nameof(GlobalAvgPoolBackward), dy, (long)xShape.N * xShape.C, $"dy ({xShape.N}, {xShape.C})");
        if (IsDouble(nameof(GlobalAvgPoolBackward), dy, dx)) GlobalAvgPoolBackward(xShape, Arr<double>(dy), Arr<double>(dx), accumulate);
        else GlobalAvgPoolBackward(xShape, Arr<float>(dy), Arr<float>(dx), accumulate);
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
