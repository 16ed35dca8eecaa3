using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model.Ops;

/// <summary>
/// Halves the resolution without discarding pixels: ReLU, then two 1x1 stride-2 convolutions with C_out / 2
/// channels each, one on x and one on x shifted by one pixel (x[:, :, 1:, 1:]), concatenated, then BN.
/// Weights "{scope}.conv_1.weight", "{scope}.conv_2.weight", "{scope}.bn.*" (DARTS' names). It is the
/// stride-2 skip_connect and the first preprocessing after a reduction cell. Needs even H and W.
/// </summary>
internal sealed class FactorizedReduce : ICellOp
{
    private readonly Conv2dLayer _conv1, _conv2;
    private readonly BatchNormLayer _norm;

    public FactorizedReduce(ModuleScope scope, int inChannels, int outChannels, Affinity affinity)
    {
        if (outChannels % 2 != 0) throw new ArgumentException($"{scope.Prefix}: a factorized reduction needs an even number of output channels, got {outChannels}");
        _conv1 = new Conv2dLayer(scope.Child("conv_1"), inChannels, outChannels / 2, 1, stride: 2);
        _conv2 = new Conv2dLayer(scope.Child("conv_2"), inChannels, outChannels / 2, 1, stride: 2);
        _norm = new BatchNormLayer(scope.Child("bn"), outChannels, affinity);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm)
    {
        var s = x.Shape4;
        if (s.H % 2 != 0 || s.W % 2 != 0)
            throw new ArgumentException($"a factorized reduction needs even height and width, got {s}: use an image size divisible by 4");
        // relu(x)[:, :, 1:, 1:] is relu(x[:, :, 1:, 1:]): both convolutions take the ReLU fused.
        var shifted = tape.SliceSpatial(x, 1, 1, s.H - 1, s.W - 1);
        var joined = tape.ConcatChannels(_conv1.ForwardAfterRelu(tape, x), _conv2.ForwardAfterRelu(tape, shifted));
        return _norm.Forward(tape, joined, norm);
    }

    public bool IsIdentity => false;
}
