namespace Parsec.Autodiff;

/// <summary>One SGD step of one parameter (PyTorch semantics, see <see cref="SgdStep"/>).</summary>
public sealed record SgdUpdateArgs
{
    public SgdUpdateArgs(Storage weight, Storage grad, Storage momentumBuffer, SgdStep step)
    {
        new OpCheck("SgdUpdate").SameLength(weight, grad, momentumBuffer);
        (Weight, Grad, MomentumBuffer, Step) = (weight, grad, momentumBuffer, step);
    }

    public Storage Weight { get; }          // the parameter's shape, updated
    public Storage Grad { get; }            // the parameter's shape
    public Storage MomentumBuffer { get; }  // the parameter's shape, updated
    public SgdStep Step { get; }
}

/// <summary>One Adam step of one parameter (PyTorch semantics, see <see cref="AdamStep"/>).</summary>
public sealed record AdamUpdateArgs
{
    public AdamUpdateArgs(Storage weight, Storage grad, Storage firstMoment, Storage secondMoment, AdamStep step)
    {
        if (step.Step < 1) throw new ArgumentOutOfRangeException(nameof(step), step.Step, "Adam steps count from 1");
        new OpCheck("AdamUpdate").SameLength(weight, grad, firstMoment, secondMoment);
        (Weight, Grad, FirstMoment, SecondMoment, Step) = (weight, grad, firstMoment, secondMoment, step);
    }

    public Storage Weight { get; }        // the parameter's shape, updated
    public Storage Grad { get; }          // the parameter's shape
    public Storage FirstMoment { get; }   // the parameter's shape, updated
    public Storage SecondMoment { get; }  // the parameter's shape, updated
    public AdamStep Step { get; }
}
