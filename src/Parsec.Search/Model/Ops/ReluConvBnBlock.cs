using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model.Ops;

/// <summary>
/// ReLU, depthwise k x k convolution (stride, padding, dilation), pointwise 1x1 convolution, batch norm:
/// the body of dil_conv and each half of sep_conv. Weights are named as in DARTS' nn.Sequential, counting
/// from <c>firstIndex</c>: "{scope}.{i+1}.weight" (depthwise), "{scope}.{i+2}.weight" (pointwise), "{scope}.{i+3}.*" (norm),
/// so a sep_conv's second half starts at index 4 and reproduces DARTS' op.5 / op.6 / op.7. The ReLU is never a
/// separate op: it is fused into the depthwise convolution, or, between the halves of a sep_conv, into the first
/// half's norm (on the CPU that measured about 2 % faster per training step than fusing it into the second half's
/// convolution, and both about 8 % faster than the separate ReLU).
/// </summary>
internal sealed class ReluConvBnBlock
{
    private readonly Conv2dLayer _depthwise, _pointwise;
    private readonly BatchNormLayer _norm;

    public ReluConvBnBlock(ModuleScope scope, int firstIndex, int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, Affinity affinity)
    {
        _depthwise = new Conv2dLayer(scope.Child($"{firstIndex + 1}"), inChannels, inChannels, kernel, stride, padding, dilation, groups: inChannels);
        _pointwise = new Conv2dLayer(scope.Child($"{firstIndex + 2}"), inChannels, outChannels, 1);
        _norm = new BatchNormLayer(scope.Child($"{firstIndex + 3}"), outChannels, affinity);
    }

    /// <summary>bn(pw(dw(relu(x)))).</summary>
    public Tensor Forward(Tape tape, Tensor x, NormMode norm) =>
        _norm.Forward(tape, _pointwise.Forward(tape, _depthwise.ForwardAfterRelu(tape, x)), norm);

    /// <summary>relu(bn(pw(dw(relu(x))))): the first half of a sep_conv, carrying the second half's ReLU.</summary>
    public Tensor ForwardThenRelu(Tape tape, Tensor x, NormMode norm) =>
        _norm.ForwardWithRelu(tape, _pointwise.Forward(tape, _depthwise.ForwardAfterRelu(tape, x)), norm);

    /// <summary>bn(pw(dw(x))) for an x that already is a ReLU's output (<see cref="ForwardThenRelu"/>'s).</summary>
    public Tensor ForwardOnRelu(Tape tape, Tensor x, NormMode norm) =>
        _norm.Forward(tape, _pointwise.Forward(tape, _depthwise.Forward(tape, x)), norm);
}
