namespace Parsec.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// 2-D convolution without bias. x (N, C, H, W), w (OutC, C / groups, KH, KW); the stride and padding apply along
    /// both sides. Depthwise: groups = C.
    /// </summary>
    public Tensor Conv2d(Tensor x, Tensor w, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Convolution(x, w, (stride, stride), (padding, padding), dilation, groups, reluInput: false);

    /// <summary>A 2-D convolution with a stride and a padding of their own along the height and the width (NASNet's 1x7 and 7x1).</summary>
    public Tensor Conv2d(Tensor x, Tensor w, (int H, int W) stride, (int H, int W) padding, int dilation = 1, int groups = 1) =>
        Convolution(x, w, stride, padding, dilation, groups, reluInput: false);

    /// <summary>
    /// conv2d(relu(x), w): the ReLU-Conv of ReLU-Conv-BN as one op. relu(x) is never stored (the backend applies the
    /// ReLU where it reads x, and masks the data gradient by x > 0), so the pair costs one activation less and no
    /// separate passes for the ReLU and its gradient. Same result as Conv2d(Relu(x), w).
    /// </summary>
    public Tensor ReluConv2d(Tensor x, Tensor w, int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        Convolution(x, w, (stride, stride), (padding, padding), dilation, groups, reluInput: true);

    /// <summary>conv2d(relu(x), w) with a stride and a padding of their own along the height and the width.</summary>
    public Tensor ReluConv2d(Tensor x, Tensor w, (int H, int W) stride, (int H, int W) padding, int dilation = 1, int groups = 1) =>
        Convolution(x, w, stride, padding, dilation, groups, reluInput: true);

    private Tensor Convolution(Tensor x, Tensor w, (int H, int W) stride, (int H, int W) padding, int dilation, int groups, bool reluInput)
    {
        string op = reluInput ? "relu_conv2d" : "conv2d";
        if (w.Rank != 4)
            throw new ArgumentException($"{op}: weight must be (OutC, InC/groups, KH, KW), got ({string.Join(", ", w.Shape)})");
        var g = new Conv2dGeometry(x.Shape4, w.Shape[0], w.Shape[2], w.Shape[3], stride.H, stride.W, padding.H, padding.W, dilation, groups);
        g.Validate();
        if (w.Shape[1] != g.InChannelsPerGroup)
            throw new ArgumentException($"{op}: weight has {w.Shape[1]} input channels per group, input {x.Shape4} with groups={groups} needs {g.InChannelsPerGroup}");
        var y = NewOutput(g.Output.ToArray(), x.DType, op);
        Backend.Conv2dForward(new Conv2dForwardArgs(g, x.Storage, w.Storage, y.Storage, reluInput));
        Record(op, [x, w], y, [x, w], ctx =>
        {
            var dy = ctx.OutputGrad().Storage;
            if (ctx.TryGradOf(w, out var dw, out bool accW))
                ctx.Backend.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(g, x.Storage, dy, dw, accW, reluInput));
            if (ctx.TryGradOf(x, out var dx, out bool accX))
                ctx.Backend.Conv2dBackwardData(new Conv2dBackwardDataArgs(g, dy, w.Storage, dx, accX, reluInput ? x.Storage : null));
        });
        return y;
    }
}
