using System.Numerics;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void CopyChannels(CopyChannelsArgs a)
    {
        if (IsDouble(a.Src)) CopyChannels(Arr<double>(a.Src), a.SrcShape, a.SrcOffset, Arr<double>(a.Dst), a.DstShape, a.DstOffset, a.Count, a.Accumulate);
        else CopyChannels(Arr<float>(a.Src), a.SrcShape, a.SrcOffset, Arr<float>(a.Dst), a.DstShape, a.DstOffset, a.Count, a.Accumulate);
    }

    private static void CopyChannels<T>(T[] src, Shape4 srcShape, int srcOffset, T[] dst, Shape4 dstShape, int dstOffset, int count, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int plane = srcShape.H * srcShape.W;
        int block = count * plane; // the channels of one sample are contiguous
        CpuParallel.For(srcShape.N, block, n =>
        {
            var s = src.AsSpan((n * srcShape.C + srcOffset) * plane, block);
            var d = dst.AsSpan((n * dstShape.C + dstOffset) * plane, block);
            VectorMath.CopyOrAdd<T>(s, d, accumulate);
        });
    }

    public void SliceSpatial(SliceSpatialArgs a)
    {
        if (IsDouble(a.X)) SliceRows(Arr<double>(a.X), a.Window, Arr<double>(a.Y), toSlice: true, accumulate: false);
        else SliceRows(Arr<float>(a.X), a.Window, Arr<float>(a.Y), toSlice: true, accumulate: false);
    }

    public void SliceSpatialBackward(SliceSpatialBackwardArgs a)
    {
        if (IsDouble(a.Dx))
        {
            if (!a.Accumulate) Arr<double>(a.Dx).AsSpan(0, (int)a.Dx.Length).Clear();
            SliceRows(Arr<double>(a.Dx), a.Window, Arr<double>(a.Dy), toSlice: false, accumulate: true);
        }
        else
        {
            if (!a.Accumulate) Arr<float>(a.Dx).AsSpan(0, (int)a.Dx.Length).Clear();
            SliceRows(Arr<float>(a.Dx), a.Window, Arr<float>(a.Dy), toSlice: false, accumulate: true);
        }
    }

    /// <summary>Copies rows between the window of x and the slice y, in either direction.</summary>
    private static void SliceRows<T>(T[] x, SpatialWindow window, T[] y, bool toSlice, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Shape4 xShape = window.Input, yShape = window.Output;
        int offH = window.OffH, offW = window.OffW;
        int planes = xShape.N * xShape.C;
        int xPlane = xShape.H * xShape.W, yPlane = yShape.H * yShape.W;
        CpuParallel.For(planes, yPlane, p =>
        {
            for (int h = 0; h < yShape.H; h++)
            {
                var window = x.AsSpan(p * xPlane + (h + offH) * xShape.W + offW, yShape.W);
                var slice = y.AsSpan(p * yPlane + h * yShape.W, yShape.W);
                if (toSlice) VectorMath.CopyOrAdd<T>(window, slice, accumulate);
                else VectorMath.CopyOrAdd<T>(slice, window, accumulate);
            }
        });
    }
}
