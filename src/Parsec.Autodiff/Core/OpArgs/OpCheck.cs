namespace Parsec.Autodiff;

/// <summary>
/// The argument checks every op record makes when it is created: element types and lengths implied by the op's
/// geometry. Backends trust a record, so these run once per op call, not once per backend.
/// </summary>
internal readonly struct OpCheck(string op)
{
    /// <summary>Every operand is a float buffer of the first operand's type (Float32 or Float64); nulls are skipped.</summary>
    public void Floats(Storage first, params ReadOnlySpan<Storage?> others)
    {
        if (first.DType == DType.Int32) throw Error($"{first} is Int32, this op needs Float32 or Float64");
        foreach (var s in others)
            if (s is not null && s.DType != first.DType) throw Error($"operands mix {first.DType} and {s.DType}");
    }

    /// <param name="shape">The shape that implies the length, named in the message when given.</param>
    public void Length(Storage? s, long length, string role, object? shape = null)
    {
        if (s is not null && s.Length != length)
            throw Error($"{role} must hold {length} elements{(shape is null ? "" : $" {shape}")}, {s} holds {s.Length}");
    }

    /// <summary>Float operands of one type, all as long as the first.</summary>
    public void SameLength(Storage first, params ReadOnlySpan<Storage> others)
    {
        Floats(first);
        foreach (var s in others)
        {
            Floats(first, s);
            Length(s, first.Length, "every operand");
        }
    }

    /// <summary>Class labels: Int32, one per row.</summary>
    public void Labels(Storage labels, int rows)
    {
        if (labels.DType != DType.Int32) throw Error($"labels must be Int32, {labels} is {labels.DType}");
        Length(labels, rows, "labels");
    }

    public ArgumentException Error(string message) => new($"{op}: {message}");
}
