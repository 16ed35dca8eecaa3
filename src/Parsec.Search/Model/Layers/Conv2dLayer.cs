using Parsec.Autodiff;

namespace Parsec.Search.Model.Layers;

/// <summary>A bias-free square convolution (PyTorch nn.Conv2d(bias=False)); its weight is "{scope}.weight" (OutC, InC / groups, K, K).</summary>
internal sealed class Conv2dLayer
{
    private readonly Tensor _weight; // (OutC, InC / groups, K, K)
    private readonly int _stride, _padding, _dilation, _groups;

    public Conv2dLayer(ModuleScope scope, int inChannels, int outChannels, int kernel, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        if (inChannels % groups != 0 || outChannels % groups != 0)
            throw new ArgumentException($"{scope.Prefix}: groups={groups} must divide {inChannels} input and {outChannels} output channels");
        _weight = scope.Weight("weight", [outChannels, inChannels / groups, kernel, kernel], Initialization.FanInUniform);
        (_stride, _padding, _dilation, _groups) = (stride, padding, dilation, groups);
    }

    public Tensor Forward(Tape tape, Tensor x) => tape.Conv2d(x, _weight, _stride, _padding, _dilation, _groups);

    /// <summary>conv(relu(x)) as one fused op (the ReLU of ReLU-Conv-BN): relu(x) is never stored.</summary>
    public Tensor ForwardAfterRelu(Tape tape, Tensor x) => tape.ReluConv2d(x, _weight, _stride, _padding, _dilation, _groups);
}
