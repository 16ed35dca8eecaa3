using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Channel copies and spatial slices: kernels/layout.cu.
public sealed partial class CudaBackend
{
    public void CopyChannels(Storage src, Shape4 srcShape, int srcOffset, Storage dst, Shape4 dstShape, int dstOffset, int count, bool accumulate)
    {
        if (srcShape.N != dstShape.N || srcShape.H != dstShape.H || srcShape.W != dstShape.W)
            throw new ArgumentException($"CopyChannels: {srcShape} and {dstShape} differ outside the channel axis");
        if (count < 0 || srcOffset < 0 || dstOffset < 0 || srcOffset + count > srcShape.C || dstOffset + count > dstShape.C)
            throw new ArgumentException($"CopyChannels: {count} channels from {srcOffset} of {srcShape} to {dstOffset} of {dstShape} are out of range");
        ulong ps = F32(src, nameof(CopyChannels), "src", srcShape.Length), pd = F32(dst, nameof(CopyChannels), "dst", dstShape.Length);
        int srcC = srcShape.C, dstC = dstShape.C, batch = srcShape.N, acc = Flag(accumulate);
        long plane = (long)srcShape.H * srcShape.W;
        long n = batch * count * plane;
        if (n == 0) return;
        Launch(new CopyChannelsKernel(ps, srcC, srcOffset, pd, dstC, dstOffset, count, batch, plane, acc), LaunchShape.Linear(n));
    }

    public void SliceSpatial(Storage x, Shape4 xShape, int offH, int offW, Storage y, Shape4 yShape)
    {
        CheckSlice(xShape, offH, offW, yShape, nameof(SliceSpatial));
        ulong px = F32(x, nameof(SliceSpatial), "x", xShape.Length), py = F32(y, nameof(SliceSpatial), "y", yShape.Length);
        int xh = xShape.H, xw = xShape.W, yh = yShape.H, yw = yShape.W;
        long planes = (long)xShape.N * xShape.C;
        if (yShape.Length == 0) return;
        Launch(new SliceSpatialForwardKernel(px, xh, xw, offH, offW, py, yh, yw, planes), LaunchShape.Linear(yShape.Length));
    }

    public void SliceSpatialBackward(Storage dy, Shape4 yShape, int offH, int offW, Storage dx, Shape4 xShape, bool accumulate)
    {
        CheckSlice(xShape, offH, offW, yShape, nameof(SliceSpatialBackward));
        ulong pdy = F32(dy, nameof(SliceSpatialBackward), "dy", yShape.Length), pdx = F32(dx, nameof(SliceSpatialBackward), "dx", xShape.Length);
        int xh = xShape.H, xw = xShape.W, yh = yShape.H, yw = yShape.W, acc = Flag(accumulate);
        long planes = (long)xShape.N * xShape.C;
        if (xShape.Length == 0) return;
        Launch(new SliceSpatialBackwardKernel(pdy, yh, yw, offH, offW, pdx, xh, xw, planes, acc), LaunchShape.Linear(xShape.Length));
    }

    private static void CheckSlice(Shape4 x, int offH, int offW, Shape4 y, string op)
    {
        if (x.N != y.N || x.C != y.C || offH < 0 || offW < 0 || offH + y.H > x.H || offW + y.W > x.W)
            throw new ArgumentException($"{op}: window {y} at ({offH}, {offW}) does not fit in {x}");
    }
}
