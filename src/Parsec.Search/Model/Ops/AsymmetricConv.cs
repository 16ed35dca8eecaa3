using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model.Ops;

/// <summary>
/// conv_kx1_1xk (NASNet's conv_7x1_1x7): ReLU, a 1 x k convolution with stride (1, s), a k x 1 convolution with stride
/// (s, 1), BN; both convolutions full (C to C channels), as in DARTS' operations.py. Weights "{scope}.op.1.weight"
/// (C, C, 1, k), "{scope}.op.2.weight" (C, C, k, 1) and "{scope}.op.3.*", the indices of DARTS' nn.Sequential. The
/// ReLU is fused into the first convolution.
/// </summary>
internal sealed class AsymmetricConv : ICellOp
{
    private readonly Conv2dLayer _row, _column;
    private readonly BatchNormLayer _norm;

    public AsymmetricConv(OpSpec spec, int kernel)
    {
        var scope = spec.Scope.Child("op");
        int padding = (kernel - 1) / 2, c = spec.Channels;
        _row = Conv2dLayer.Rectangular(scope.Child("1"), c, c, (1, kernel), (1, spec.Stride), (0, padding));
        _column = Conv2dLayer.Rectangular(scope.Child("2"), c, c, (kernel, 1), (spec.Stride, 1), (padding, 0));
        _norm = new BatchNormLayer(scope.Child("3"), c, spec.Affinity);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm) =>
        _norm.Forward(tape, _column.Forward(tape, _row.ForwardAfterRelu(tape, x)), norm);

    public bool IsIdentity => false;
}
