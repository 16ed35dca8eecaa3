using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Windowed pooling through cuDNN (max, and average excluding padding as DARTS' count_include_pad=False);
// global average pooling through kernels/pooling.cu.
public sealed partial class CudaBackend
{
    private const int WarpsPerBlock = 8;

    public unsafe void Pool2dForward(Pool2dGeometry g, Storage x, Storage y)
    {
        g.Validate();
        ulong px = F32(x, nameof(Pool2dForward), "x", g.Input.Length), py = F32(y, nameof(Pool2dForward), "y", g.Output.Length);
        float alpha = 1, beta = 0;
        _device.MakeCurrent();
        Check.Cudnn(Cudnn.cudnnPoolingForward(_cudnn.Handle, PoolDesc(g).Handle, &alpha, TensorDesc(g.Input).Handle, px, &beta, TensorDesc(g.Output).Handle, py));
    }

    public unsafe void Pool2dBackward(Pool2dGeometry g, Storage x, Storage y, Storage dy, Storage dx, bool accumulate)
    {
        g.Validate();
        ulong px = F32(x, nameof(Pool2dBackward), "x", g.Input.Length), py = F32(y, nameof(Pool2dBackward), "y", g.Output.Length);
        ulong pdy = F32(dy, nameof(Pool2dBackward), "dy", g.Output.Length), pdx = F32(dx, nameof(Pool2dBackward), "dx", g.Input.Length);
        float alpha = 1, beta = accumulate ? 1 : 0;
        var xd = TensorDesc(g.Input).Handle;
        var yd = TensorDesc(g.Output).Handle;
        _device.MakeCurrent();
        Check.Cudnn(Cudnn.cudnnPoolingBackward(_cudnn.Handle, PoolDesc(g).Handle, &alpha, yd, py, yd, pdy, xd, px, &beta, xd, pdx));
    }

    public void GlobalAvgPool(Shape4 xShape, Storage x, Storage y)
    {
        long planes = (long)xShape.N * xShape.C;
        int plane = xShape.H * xShape.W;
        ulong px = F32(x, nameof(GlobalAvgPool), "x", xShape.Length), py = F32(y, nameof(GlobalAvgPool), "y", planes);
        if (planes == 0) return;
        if (plane == 0) throw new ArgumentException($"GlobalAvgPool of an empty feature map {xShape}");
        Launch(new GlobalAvgPoolForwardKernel(px, py, planes, plane), LaunchShape.PerRow((planes + WarpsPerBlock - 1) / WarpsPerBlock, WarpsPerBlock * 32));
    }

    public void GlobalAvgPoolBackward(Shape4 xShape, Storage dy, Storage dx, bool accumulate)
    {
        long planes = (long)xShape.N * xShape.C;
        int plane = xShape.H * xShape.W, acc = Flag(accumulate);
        ulong pdy = F32(dy, nameof(GlobalAvgPoolBackward), "dy", planes), pdx = F32(dx, nameof(GlobalAvgPoolBackward), "dx", xShape.Length);
        if (xShape.Length == 0) return;
        Launch(new GlobalAvgPoolBackwardKernel(pdy, pdx, planes, plane, acc), LaunchShape.Linear(xShape.Length));
    }
}
