namespace Parsec.Search.Space;

/// <summary>One term's choice: which earlier node it reads and which primitive (index into <see cref="Primitives.All"/>) it applies.</summary>
public readonly record struct TermChoice(int Input, int Op)
{
    public string OpName => Primitives.All[Op];
    public override string ToString() => $"{OpName}<-{Input}";
}

/// <summary>
/// An architecture alpha of the search space: the (input, op) choices of the 8 terms of the normal cell
/// and the 8 terms of the reduction cell. This is what the prior samples and scores and what the shared
/// network builds its forward from; <see cref="Genotype"/> is the same thing written with op names, for files.
/// </summary>
public sealed class Architecture : IEquatable<Architecture>
{
    private readonly TermChoice[] _normal;
    private readonly TermChoice[] _reduce;

    public Architecture(IReadOnlyList<TermChoice> normal, IReadOnlyList<TermChoice> reduce)
    {
        _normal = Checked(normal, CellType.Normal);
        _reduce = Checked(reduce, CellType.Reduce);
    }

    public IReadOnlyList<TermChoice> Normal => _normal;
    public IReadOnlyList<TermChoice> Reduce => _reduce;

    public IReadOnlyList<TermChoice> Of(CellType type) => type == CellType.Normal ? _normal : _reduce;

    public Genotype ToGenotype() => new(ToTerms(_normal), ToTerms(_reduce));

    public static Architecture FromGenotype(Genotype genotype)
    {
        genotype.Validate();
        return new Architecture(FromTerms(genotype.Normal), FromTerms(genotype.Reduce));
    }

    public bool Equals(Architecture? other) =>
        other is not null && _normal.AsSpan().SequenceEqual(other._normal) && _reduce.AsSpan().SequenceEqual(other._reduce);

    public override bool Equals(object? obj) => Equals(obj as Architecture);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var t in _normal) hash.Add(t);
        foreach (var t in _reduce) hash.Add(t);
        return hash.ToHashCode();
    }

    public override string ToString() => ToGenotype().ToString();

    private static TermChoice[] Checked(IReadOnlyList<TermChoice> terms, CellType type)
    {
        if (terms.Count != CellLayout.Terms)
            throw new ArgumentException($"a {type.JsonName()} cell has {CellLayout.Terms} terms, got {terms.Count}");
        for (int k = 0; k < terms.Count; k++)
        {
            var t = terms[k];
            if (t.Input < 0 || t.Input >= CellLayout.InputsOfTerm(k))
                throw new ArgumentException($"{type.JsonName()} term {k} (node {CellLayout.NodeOfTerm(k)}) reads input {t.Input}; it may read 0..{CellLayout.InputsOfTerm(k) - 1}");
            if (t.Op < 0 || t.Op >= Primitives.All.Count)
                throw new ArgumentException($"{type.JsonName()} term {k} has op index {t.Op}; there are {Primitives.All.Count} primitives");
        }
        return terms.ToArray();
    }

    private static List<GenotypeTerm> ToTerms(TermChoice[] terms) => terms.Select(t => new GenotypeTerm(t.OpName, t.Input)).ToList();

    private static TermChoice[] FromTerms(IReadOnlyList<GenotypeTerm> terms) =>
        terms.Select(t => new TermChoice(t.Input, Primitives.IndexOf(t.Op))).ToArray();
}
