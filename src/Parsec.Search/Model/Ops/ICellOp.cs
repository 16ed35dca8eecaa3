using Parsec.Search.Model.Layers;
using Parsec.Autodiff;

namespace Parsec.Search.Model.Ops;

/// <summary>An operation on one cell edge or preprocessing path: (N, C, H, W) in, (N, C', H / stride, W / stride) out.</summary>
internal interface ICellOp
{
    Tensor Forward(Tape tape, Tensor x, NormMode norm);

    /// <summary>True for the plain identity, which drop path leaves alone (as DARTS does).</summary>
    bool IsIdentity { get; }
}

/// <summary>What an op factory needs besides the op's name: where its weights go, its width, stride and the network phase.</summary>
internal readonly record struct OpSpec(ModuleScope Scope, int Channels, int Stride, NetworkPhase Phase)
{
    public Layers.Affinity Affinity => Phase.CellAffinity();
}
