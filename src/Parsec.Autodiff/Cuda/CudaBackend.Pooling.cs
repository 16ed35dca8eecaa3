using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Windowed pooling through cuDNN (max, and average excluding padding as DARTS' count_include_pad=False);
// global average pooling through kernels/pooling.cu.
public sealed partial class CudaBackend
{
    private const int WarpsPerBlock = 8;

    public unsafe void Pool2dForward(Pool2dForwardArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Pool2dForward), "x"), py = F32(a.Y, nameof(Pool2dForward), "y");
        float alpha = 1, beta = 0;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnPoolingForward(_cudnn.Handle, PoolDesc(g).Handle, &alpha, TensorDesc(g.Input).Handle, px, &beta, TensorDesc(g.Output).Handle, py));
    }

    public unsafe void Pool2dBackward(Pool2dBackwardArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Pool2dBackward), "x"), py = F32(a.Y, nameof(Pool2dBackward), "y");
        ulong pdy = F32(a.Dy, nameof(Pool2dBackward), "dy"), pdx = F32(a.Dx, nameof(Pool2dBackward), "dx");
        float alpha = 1, beta = a.Accumulate ? 1 : 0;
        var xd = TensorDesc(g.Input).Handle;
        var yd = TensorDesc(g.Output).Handle;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnPoolingBackward(_cudnn.Handle, PoolDesc(g).Handle, &alpha, yd, py, yd, pdy, xd, px, &beta, xd, pdx));
    }

    public void GlobalAvgPool(GlobalAvgPoolArgs a)
    {
        long planes = (long)a.XShape.N * a.XShape.C;
        int plane = a.XShape.H * a.XShape.W;
        ulong px = F32(a.X, nameof(GlobalAvgPool), "x"), py = F32(a.Y, nameof(GlobalAvgPool), "y");
        if (planes == 0) return;
        Launch(new GlobalAvgPoolForwardKernel(px, py, planes, plane), LaunchShape.PerRow((planes + WarpsPerBlock - 1) / WarpsPerBlock, WarpsPerBlock * 32));
    }

    public void GlobalAvgPoolBackward(GlobalAvgPoolBackwardArgs a)
    {
        long planes = (long)a.XShape.N * a.XShape.C;
        int plane = a.XShape.H * a.XShape.W, acc = Flag(a.Accumulate);
        ulong pdy = F32(a.Dy, nameof(GlobalAvgPoolBackward), "dy"), pdx = F32(a.Dx, nameof(GlobalAvgPoolBackward), "dx");
        if (a.XShape.Length == 0) return;
        Launch(new GlobalAvgPoolBackwardKernel(pdy, pdx, planes, plane, acc), LaunchShape.Linear(a.XShape.Length));
    }
}
