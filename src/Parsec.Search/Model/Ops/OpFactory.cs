using Parsec.Autodiff;
using Parsec.Search.Space;

namespace Parsec.Search.Model.Ops;

/// <summary>The search space's operations as data: primitive name -> builder. Adding a primitive is one entry here plus its name in <see cref="Primitives"/>.</summary>
public static class OpFactory
{
    /// <summary>DARTS' zero op, a candidate of the DARTS supernet only.</summary>
    public const string None = "none";

    /// <summary>The candidates of a DARTS mixed op, in DARTS' order: `none` followed by the primitives.</summary>
    public static readonly IReadOnlyList<string> SupernetCandidates = [None, .. Primitives.All];

    private static readonly Dictionary<string, Func<OpSpec, ICellOp>> Builders = new(StringComparer.Ordinal)
    {
        [None] = s => new ZeroOp(s.Stride),
        [Primitives.MaxPool3x3] = s => new PoolOp(s, PoolKind.Max),
        [Primitives.AvgPool3x3] = s => new PoolOp(s, PoolKind.AverageExcludePadding),
        [Primitives.SkipConnect] = s => s.Stride == 1 ? new IdentityOp() : new FactorizedReduce(s.Scope, s.Channels, s.Channels, s.Affinity),
        [Primitives.SepConv3x3] = s => new SepConv(s, 3),
        [Primitives.SepConv5x5] = s => new SepConv(s, 5),
        [Primitives.DilConv3x3] = s => new DilConv(s, 3),
        [Primitives.DilConv5x5] = s => new DilConv(s, 5),
    };

    public static ICellOp Create(string name, OpSpec spec) =>
        Builders.TryGetValue(name, out var build) ? build(spec)
            : throw new ArgumentException($"unknown operation '{name}'; expected one of: {string.Join(", ", Builders.Keys)}");
}
