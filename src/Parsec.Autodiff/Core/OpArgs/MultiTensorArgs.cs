namespace Parsec.Autodiff;

// Multi-tensor ops: one call over many storages of one float type, in list order (a weight bank's gradients,
// its parameters). A GPU treats a list in a few launches instead of one per tensor; results that combine the
// storages (a sum of squares) are computed in a fixed order, so they do not depend on scheduling.

/// <summary>Storages one multi-tensor op treats alike, in a fixed order: all Float32 or all Float64.</summary>
public sealed record TensorList
{
    public TensorList(IReadOnlyList<Storage> storages, string op)
    {
        if (storages.Count > 0) new OpCheck(op).Floats(storages[0], [.. storages.Skip(1)]);
        Storages = storages;
    }

    public IReadOnlyList<Storage> Storages { get; }
    public int Count => Storages.Count;
}

/// <summary>Every storage of <see cref="Targets"/> = <see cref="Value"/> (zeroing a weight bank's gradients).</summary>
public sealed record FillManyArgs(TensorList Targets, double Value)
{
    public FillManyArgs(IReadOnlyList<Storage> targets, double value) : this(new TensorList(targets, "FillMany"), value) { }
}

/// <summary>Every storage of <see cref="Targets"/> *= <see cref="Factor"/> (gradient clipping, log-sum-exp rescaling).</summary>
public sealed record ScaleManyArgs(TensorList Targets, double Factor)
{
    public ScaleManyArgs(IReadOnlyList<Storage> targets, double factor) : this(new TensorList(targets, "ScaleMany"), factor) { }
}

/// <summary>The sum of squares of every element of every storage, in double (the global gradient norm squared).</summary>
public sealed record SumOfSquaresManyArgs(TensorList Sources)
{
    public SumOfSquaresManyArgs(IReadOnlyList<Storage> sources) : this(new TensorList(sources, "SumOfSquaresMany")) { }
}

/// <summary>Whether every element of every storage is finite (one answer, one wait, for a weight bank).</summary>
public sealed record AllFiniteManyArgs(TensorList Sources)
{
    public AllFiniteManyArgs(IReadOnlyList<Storage> sources) : this(new TensorList(sources, "AllFiniteMany")) { }
}

/// <summary>One SGD step of many parameters that share one <see cref="SgdStep"/>.</summary>
public sealed record SgdUpdateManyArgs
{
    public SgdUpdateManyArgs(IReadOnlyList<SgdUpdateArgs> parameters)
    {
        if (parameters.Count > 0)
        {
            var check = new OpCheck("SgdUpdateMany");
            foreach (var p in parameters)
            {
                check.Floats(parameters[0].Weight, p.Weight);
                if (p.Step != parameters[0].Step) throw new ArgumentException($"SgdUpdateMany: one step for all parameters, got {parameters[0].Step} and {p.Step}");
            }
        }
        Parameters = parameters;
    }

    public IReadOnlyList<SgdUpdateArgs> Parameters { get; }
}
