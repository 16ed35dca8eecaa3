namespace Parsec.Autodiff;

/// <summary>sum_i a[i] * b[i]: two float buffers of one type and length (the weight gradient of a mixed op is one).</summary>
public sealed record DotArgs
{
    public DotArgs(Storage a, Storage b)
    {
        var check = new OpCheck("Dot");
        check.Floats(a, b);
        check.SameLength(a, b);
        (A, B) = (a, b);
    }

    public Storage A { get; }
    public Storage B { get; }
}
