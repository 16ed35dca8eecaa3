using Parsec.Autodiff;

namespace Parsec.Search.Model.Layers;

/// <summary>
/// A bias-free convolution (PyTorch nn.Conv2d(bias=False)); its weight is "{scope}.weight" (OutC, InC / groups, KH, KW).
/// Square unless made by <see cref="Rectangular"/>.
/// </summary>
internal sealed class Conv2dLayer
{
    private readonly Tensor _weight; // (OutC, InC / groups, KH, KW)
    private readonly (int H, int W) _stride, _padding;
    private readonly int _dilation, _groups;

    public Conv2dLayer(ModuleScope scope, int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
        : this(scope, inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding), dilation, groups) { }

    private Conv2dLayer(ModuleScope scope, int inChannels, int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding, int dilation, int groups)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{scope.Prefix}: groups={groups} must divide {inChannels} input and {outChannels} output channels");
        _weight = scope.Weight("weight", [outChannels, inChannels / groups, kernel.H, kernel.W], Initialization.FanInUniform);
        (_stride, _padding, _dilation, _groups) = (stride, padding, dilation, groups);
    }

    /// <summary>A kernel, stride and padding of their own along the height and the width (NASNet's 1x7 and 7x1), no dilation, no groups.</summary>
    public static Conv2dLayer Rectangular(ModuleScope scope, int inChannels, int outChannels, (int H, int W) kernel, (int H, int W) stride, (int H, int W) padding) =>
        new(scope, inChannels, outChannels, kernel, stride, padding, dilation: 1, groups: 1);

    public Tensor Forward(Tape tape, Tensor x) => tape.Conv2d(x, _weight, _stride, _padding, _dilation, _groups);

    /// <summary>conv(relu(x)) as one fused op (the ReLU of ReLU-Conv-BN): relu(x) is never stored.</summary>
    public Tensor ForwardAfterRelu(Tape tape, Tensor x) => tape.ReluConv2d(x, _weight, _stride, _padding, _dilation, _groups);
}
