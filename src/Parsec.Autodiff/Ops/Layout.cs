namespace Parsec.Autodiff;

public sealed partial class Tape
{
    /// <summary>Concatenates NCHW tensors along channels (the cell output: concat of the intermediate nodes).</summary>
    public Tensor ConcatChannels(params Tensor[] xs)
    {
        if (xs.Length == 0) throw new ArgumentException("ConcatChannels needs at least one tensor");
        var first = xs[0].Shape4;
        int channels = 0;
        foreach (var x in xs)
        {
            var s = x.Shape4;
            if (s.N != first.N || s.H != first.H || s.W != first.W || x.DType != xs[0].DType)
                throw new ArgumentException($"ConcatChannels: {s} does not match {first} outside the channel axis");
            channels += s.C;
        }
        var outShape = first with { C = channels };
        var y = NewOutput(outShape.ToArray(), xs[0].DType, "concat");
        int offset = 0;
        var offsets = new int[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            offsets[i] = offset;
            var s = xs[i].Shape4;
            Backend.CopyChannels(new CopyChannelsArgs(xs[i].Storage, s, 0, y.Storage, outShape, offset, s.C, accumulate: false));
            offset += s.C;
        }
        Record("concat", xs, y, [], ctx =>
        {
            var dy = ctx.OutputGrad().Storage;
            for (int i = 0; i < xs.Length; i++)
            {
                if (!ctx.TryGradOf(xs[i], out var dx, out bool acc)) continue;
                var s = xs[i].Shape4;
                ctx.Backend.CopyChannels(new CopyChannelsArgs(dy, outShape, offsets[i], dx, s, 0, s.C, acc));
            }
        });
        return y;
    }

    /// <summary>y = x[:, :, offH:offH+height, offW:offW+width] (the factorized reduction reads x[:, :, 1:, 1:]).</summary>
    public Tensor SliceSpatial(Tensor x, int offH, int offW, int height, int width)
    {
        var window = new SpatialWindow(x.Shape4, offH, offW, height, width);
        window.Validate();
        var y = NewOutput(window.Output.ToArray(), x.DType, "slice");
        Backend.SliceSpatial(new SliceSpatialArgs(window, x.Storage, y.Storage));
        Record("slice", [x], y, [], ctx =>
        {
            if (ctx.TryGradOf(x, out var dx, out bool acc))
                ctx.Backend.SliceSpatialBackward(new SliceSpatialBackwardArgs(window, ctx.OutputGrad().Storage, dx, acc));
        });
        return y;
    }
}
