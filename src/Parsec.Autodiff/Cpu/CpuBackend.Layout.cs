using System.Numerics;

namespace Parsec.Autodiff.Cpu;

public sealed partial class CpuBackend
{
    public void CopyChannels(Storage src, Shape4 srcShape, int srcOffset, Storage dst, Shape4 dstShape, int dstOffset, int count, bool accumulate)
    {
        const string op = nameof(CopyChannels);
        RequireLength(op, src, srcShape.Length, $"src of shape {srcShape}");
        RequireLength(op, dst, dstShape.Length, $"dst of shape {dstShape}");
        if (srcShape.N != dstShape.N || srcShape.H != dstShape.H || srcShape.W != dstShape.W)
            throw new ArgumentException($"{op}: {srcShape} and {dstShape} differ outside the channel axis");
        if (count < 0 || srcOffset < 0 || dstOffset < 0 || srcOffset + count > srcShape.C || dstOffset + count > dstShape.C)
            throw new ArgumentException($"{op}: channels [{srcOffset}, {srcOffset + count}) of {srcShape} into [{dstOffset}, {dstOffset + count}) of {dstShape} are out of range");
        if (IsDouble(op, src, dst)) CopyChannels(Arr<double>(src), srcShape, srcOffset, Arr<double>(dst), dstShape, dstOffset, count, accumulate);
        else CopyChannels(Arr<float>(src), srcShape, srcOffset, Arr<float>(dst), dstShape, dstOffset, count, accumulate);
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

    public void SliceSpatial(Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape)
    {
        CheckSlice(nameof(SliceSpatial), x, xShape, offH, offW, y, yShape);
        if (IsDouble(nameof(SliceSpatial), x, y)) SliceRows(Arr<double>(x), xShape, offH, offW, Arr<double>(y), yShape, toSlice: true, accumulate: false);
        else SliceRows(Arr<float>(x), xShape, offH, offW, Arr<float>(y), yShape, toSlice: true, accumulate: false);
    }

    public void SliceSpatialBackward(Storage dy, Shape4 yShape, int offH, int offW, Storage dx, Shape4 xShape, bool accumulate)
    {
        CheckSlice(nameof(SliceSpatialBackward), dx, xShape, offH, offW, dy, yShape);
        if (IsDouble(nameof(SliceSpatialBackward), dy, dx))
        {
            if (!accumulate) Arr<double>(dx).AsSpan(0, (int)dx.Length).Clear();
            SliceRows(Arr<double>(dx), xShape, offH, offW, Arr<double>(dy), yShape, toSlice: false, accumulate: true);
        }
        else
        {
            if (!accumulate) Arr<float>(dx).AsSpan(0, (int)dx.Length).Clear();
            SliceRows(Arr<float>(dx), xShape, offH, offW, Arr<float>(dy), yShape, toSlice: false, accumulate: true);
        }
    }

    private static void CheckSlice(string op, Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape)
    {
        RequireLength(op, x, xShape.Length, $"the tensor of shape {xShape}");
        RequireLength(op, y, yShape.Length, $"the slice of shape {yShape}");
        if (xShape.N != yShape.N || xShape.C != yShape.C || offH < 0 || offW < 0 || offH + yShape.H > xShape.H || offW + yShape.W > xShape.W)
            throw new ArgumentException($"{op}: a {yShape} window at ({offH}, {offW}) does not fit in {xShape}");
    }

    /// <summary>Copies rows between the window of x and the slice y, in either direction.</summary>
    private static void SliceRows<T>(T[] x, Shape4 xShape, int offH, int offW, T[] y, Shape4 yShape, bool toSlice, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
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
