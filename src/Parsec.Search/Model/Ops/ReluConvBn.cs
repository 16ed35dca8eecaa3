using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model.Ops;

/// <summary>The cell input preprocessing: ReLU, 1x1 convolution to C channels, BN. Weights "{scope}.op.1.weight", "{scope}.op.2.*".</summary>
internal sealed class ReluConvBn : ICellOp
{
    private readonly Conv2dLayer _conv;
    private readonly BatchNormLayer _norm;

    public ReluConvBn(ModuleScope scope, int inChannels, int outChannels, Affinity affinity)
    {
        _conv = new Conv2dLayer(scope.Child("op.1"), inChannels, outChannels, 1);
        _norm = new BatchNormLayer(scope.Child("op.2"), outChannels, affinity);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm) => _norm.Forward(tape, _conv.ForwardAfterRelu(tape, x), norm);

    public bool IsIdentity => false;
}
