using Parsec.Autodiff;

namespace Parsec.Search.Model.Ops;

/// <summary>skip_connect with stride 1: the input itself (no copy, no weights).</summary>
internal sealed class IdentityOp : ICellOp
{
    public Tensor Forward(Tape tape, Tensor x, NormMode norm) => tape.Identity(x);

    public bool IsIdentity => true;
}

/// <summary>
/// DARTS' `none` candidate: zeros of the op's output shape. It exists only in the DARTS supernet forward
/// (the memory comparison); PARSEC's space leaves it out because no final cell uses it.
/// </summary>
internal sealed class ZeroOp(int stride) : ICellOp
{
    public Tensor Forward(Tape tape, Tensor x, NormMode norm) => tape.Zero(x, stride);

    public bool IsIdentity => false;
}
