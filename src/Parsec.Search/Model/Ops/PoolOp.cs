using Parsec.Autodiff;
using Parsec.Search.Model.Layers;

namespace Parsec.Search.Model.Ops;

/// <summary>
/// max_pool_3x3 / avg_pool_3x3 (padding 1; the average excludes padding). In the search phase the pool is
/// followed by a non-affine batch norm named "{scope}.1.*" (DARTS' nn.Sequential(pool, BatchNorm2d)); in the
/// evaluation phase it stands alone, as in DARTS' derived network.
/// </summary>
internal sealed class PoolOp : ICellOp
{
    private readonly PoolKind _kind;
    private readonly int _stride;
    private readonly BatchNormLayer? _norm;

    public PoolOp(OpSpec spec, PoolKind kind)
    {
        _kind = kind;
        _stride = spec.Stride;
        if (spec.Phase == NetworkPhase.Search) _norm = new BatchNormLayer(spec.Scope.Child("1"), spec.Channels, Affinity.NonAffine);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode norm)
    {
        var pooled = tape.Pool2d(x, _kind, 3, _stride, 1);
        return _norm is null ? pooled : _norm.Forward(tape, pooled, norm);
    }

    public bool IsIdentity => false;
}
