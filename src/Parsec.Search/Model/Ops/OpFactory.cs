using Parsec.Autodiff;
using Parsec.Search.Space;

namespace Parsec.Search.Model.Ops;

/// <summary>Builds a primitive's op from its declaration (<see cref="Primitives.Declared"/>): one builder per <see cref="OpFamily"/>.</summary>
internal static class OpFactory
{
    /// <summary>DARTS' zero op, a candidate of the DARTS supernet only.</summary>
    public const string None = "none";

    /// <summary>The candidates of a DARTS mixed op, in DARTS' order: `none` followed by the space's operations.</summary>
    public static IReadOnlyList<string> SupernetCandidates(SearchSpace space) => [None, .. space.Ops];

    public static ICellOp Create(string name, OpSpec spec) => name == None ? new ZeroOp(spec.Stride) : Create(Primitives.Get(name), spec);

    public static ICellOp Create(Primitive primitive, OpSpec spec) => primitive.Family switch
    {
        OpFamily.MaxPool => new PoolOp(spec, PoolKind.Max),
        OpFamily.AveragePool => new PoolOp(spec, PoolKind.AverageExcludePadding),
        OpFamily.Skip => spec.Stride == 1 ? new IdentityOp() : new FactorizedReduce(spec.Scope, spec.Channels, spec.Channels, spec.Affinity),
        OpFamily.SeparableConvolution => new SepConv(spec, primitive.Kernel),
        OpFamily.DilatedConvolution => new DilConv(spec, primitive.Kernel, primitive.Dilation),
        OpFamily.AsymmetricConvolution => new AsymmetricConv(spec, primitive.Kernel),
        _ => throw new InvalidOperationException($"no op is built for family {primitive.Family} ('{primitive.Name}')"),
    };
}
