using Parsec.Search.Model;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>Where an op runs in the evaluation network, as far as its time goes: its primitive, the channels and side of its input, its stride.</summary>
internal readonly record struct OpPosition(string Op, int Channels, int Side, int Stride)
{
    public override string ToString() => $"{Op} C={Channels} {Side}x{Side} stride {Stride}";
}

/// <summary>One cell of the evaluation network as the latency model sees it: its type, its C and the side of its inputs.</summary>
internal readonly record struct CellPlacement(CellType Type, int Channels, int InputSide)
{
    /// <summary>
    /// The position of a term reading <paramref name="input"/> through <paramref name="op"/>: in a reduction cell the
    /// two cell inputs are read with stride 2 and the intermediate nodes at half the side; otherwise stride 1.
    /// </summary>
    public OpPosition Position(string op, int input) =>
        Type == CellType.Reduce
            ? input < CellLayout.InputNodes ? new(op, Channels, InputSide, 2) : new(op, Channels, (InputSide + 1) / 2, 1)
            : new(op, Channels, InputSide, 1);

    /// <summary>The cells of <paramref name="shape"/>'s network in order, as Network builds them (C doubles and the side halves at each reduction).</summary>
    public static IReadOnlyList<CellPlacement> Of(CostShape shape)
    {
        var options = shape.Network();
        var cells = new List<CellPlacement>();
        int channels = shape.Channels, side = shape.ImageSide;
        for (int i = 0; i < shape.Layers; i++)
        {
            bool reduction = options.IsReduction(i);
            if (reduction) channels *= 2;
            cells.Add(new CellPlacement(reduction ? CellType.Reduce : CellType.Normal, channels, side));
            if (reduction) side = (side + 1) / 2;
        }
        return cells;
    }

    /// <summary>
    /// Every position any genotype of <paramref name="shape"/> (and its space) can put an op at: what a latency table
    /// measures. The 3x3 max pool is measured in every space: the calibration's reference network is built of it.
    /// </summary>
    public static IReadOnlyList<OpPosition> AllPositions(CostShape shape) =>
        Of(shape).SelectMany(cell => Enumerable.Range(0, shape.Space.MaxInputs)
                .SelectMany(input => shape.Space.Ops.Append(Primitives.MaxPool3x3).Select(op => cell.Position(op, input))))
            .Distinct().ToList();
}
