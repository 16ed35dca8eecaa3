using Parsec.Autodiff;

namespace Parsec.Search.Model.Ops;

/// <summary>
/// sep_conv_kxk: two ReLU-depthwise-pointwise-BN blocks, the first with the op's stride, the second with
/// stride 1. Weights "{scope}.op.1/2/3" and "{scope}.op.5/6/7" (DARTS' indices; 0 and 4 are the ReLUs).
/// </summary>
internal sealed class SepConv : ICellOp
{
    private readonly ReluConvBnBlock _first, _second;

    public SepConv(OpSpec spec, int kernel)
    {
        int padding = (kernel - 1) / 2;
        var scope = spec.Scope.Child("op");
        _first = new ReluConvBnBlock(scope, 0, spec.Channels, spec.Channels, kernel, spec.Stride, padding, 1, spec.Affinity);
        _second = new ReluConvBnBlock(scope, 4, spec.Channels, spec.Channels, kernel, 1, padding, 1, spec.Affinity);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm) => _second.ForwardOnRelu(tape, _first.ForwardThenRelu(tape, x, norm), norm);

    public bool IsIdentity => false;
}
