using Parsec.Autodiff;

namespace Parsec.Search.Model.Ops;

/// <summary>dil_conv_kxk: ReLU, depthwise k x k with dilation d (2 in DARTS; stride s), pointwise 1x1, BN. Weights "{scope}.op.1/2/3".</summary>
internal sealed class DilConv : ICellOp
{
    private readonly ReluConvBnBlock _block;

    public DilConv(OpSpec spec, int kernel, int dilation)
    {
        int padding = dilation * (kernel - 1) / 2; // keeps the size: 2 for 3x3, 4 for 5x5 at dilation 2
        _block = new ReluConvBnBlock(spec.Scope.Child("op"), 0, spec.Channels, spec.Channels, kernel, spec.Stride, padding, dilation, spec.Affinity);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm) => _block.Forward(tape, x, norm);

    public bool IsIdentity => false;
}
