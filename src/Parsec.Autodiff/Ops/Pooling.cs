namespace Parsec.Autodiff;

public sealed partial class Tape
{
    /// <summary>Max or average pooling (the average excludes padding, as DARTS' count_include_pad=False).</summary>
    public Tensor Pool2d(Tensor x, PoolKind kind, int kernel, int stride, int padding)
    {
        var g = new Pool2dGeometry(x.Shape4, kind, kernel, stride, padding);
        g.Validate();
        var y = NewOutput(g.Output.ToArray(), x.DType, kind == PoolKind.Max ? "max_pool" : "avg_pool");
        Backend.Pool2dForward(new Pool2dForwardArgs(g, x.Storage, y.Storage));
        Record(y.Name!, [x], y, [x, y], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc))
                ctx.Backend.Pool2dBackward(new Pool2dBackwardArgs(g, x.Storage, y.Storage, ctx.OutputGrad().Storage, dx, acc));
        });
        return y;
    }

    public Tensor MaxPool3x3(Tensor x, int stride) => Pool2d(x, PoolKind.Max, 3, stride, 1);
    public Tensor AvgPool3x3(Tensor x, int stride) => Pool2d(x, PoolKind.AverageExcludePadding, 3, stride, 1);

    /// <summary>(N, C, H, W) -> (N, C): the mean over each feature map.</summary>
    public Tensor GlobalAvgPool(Tensor x)
    {
        var xs = x.Shape4;
        var y = NewOutput([xs.N, xs.C], x.DType, "global_avg_pool");
        Backend.GlobalAvgPool(new GlobalAvgPoolArgs(xs, x.Storage, y.Storage));
        Record("global_avg_pool", [x], y, [], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc))
                ctx.Backend.GlobalAvgPoolBackward(new GlobalAvgPoolBackwardArgs(xs, ctx.OutputGrad().Storage, dx, acc));
        });
        return y;
    }
}
