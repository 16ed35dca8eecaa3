using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Channel copies and spatial slices: kernels/layout.cu.
public sealed partial class CudaBackend
{
    public void CopyChannels(CopyChannelsArgs a)
    {
        ulong ps = F32(a.Src, nameof(CopyChannels), "src"), pd = F32(a.Dst, nameof(CopyChannels), "dst");
        int batch = a.SrcShape.N;
        long plane = (long)a.SrcShape.H * a.SrcShape.W;
        long n = batch * a.Count * plane;
        if (n == 0) return;
        Launch(new CopyChannelsKernel(ps, a.SrcShape.C, a.SrcOffset, pd, a.DstShape.C, a.DstOffset, a.Count, batch, plane, Flag(a.Accumulate)),
            LaunchShape.Linear(n));
    }

    public void SliceSpatial(SliceSpatialArgs a)
    {
        ulong px = F32(a.X, nameof(SliceSpatial), "x"), py = F32(a.Y, nameof(SliceSpatial), "y");
        Shape4 xShape = a.Window.Input, yShape = a.Window.Output;
        long planes = (long)xShape.N * xShape.C;
        if (yShape.Length == 0) return;
        Launch(new SliceSpatialForwardKernel(px, xShape.H, xShape.W, a.Window.OffH, a.Window.OffW, py, yShape.H, yShape.W, planes),
            LaunchShape.Linear(yShape.Length));
    }

    public void SliceSpatialBackward(SliceSpatialBackwardArgs a)
    {
        ulong pdy = F32(a.Dy, nameof(SliceSpatialBackward), "dy"), pdx = F32(a.Dx, nameof(SliceSpatialBackward), "dx");
        Shape4 xShape = a.Window.Input, yShape = a.Window.Output;
        long planes = (long)xShape.N * xShape.C;
        if (xShape.Length == 0) return;
        Launch(new SliceSpatialBackwardKernel(pdy, yShape.H, yShape.W, a.Window.OffH, a.Window.OffW, pdx, xShape.H, xShape.W, planes, Flag(a.Accumulate)),
            LaunchShape.Linear(xShape.Length));
    }
}
