namespace Parsec.Search.Space;

/// <summary>One term's choice: which earlier node it reads and which operation (index into its space's <see cref="SearchSpace.Ops"/>) it applies.</summary>
public readonly record struct TermChoice(int Input, int Op)
{
    public override string ToString() => $"op {Op}<-{Input}";
}

/// <summary>
/// An architecture alpha of a search space: the (input, op) choices of the terms of the normal cell and of the
/// reduction cell (8 each in the DARTS space). This is what the prior samples and scores and what the shared
/// network builds its forward from; <see cref="Genotype"/> is the same thing written with op names, for files.
/// </summary>
public sealed class Architecture : IEquatable<Architecture>
{
    private readonly TermChoice[] _normal;
    private readonly TermChoice[] _reduce;

    /// <param name="space">Null: the DARTS space.</param>
    public Architecture(IReadOnlyList<TermChoice> normal, IReadOnlyList<TermChoice> reduce, SearchSpace? space = null)
    {
        Space = space ?? SearchSpace.Darts;
        _normal = Checked(normal, CellType.Normal);
        _reduce = Checked(reduce, CellType.Reduce);
    }

    /// <summary>The space whose op list the choices index.</summary>
    public SearchSpace Space { get; }

    public IReadOnlyList<TermChoice> Normal => _normal;
    public IReadOnlyList<TermChoice> Reduce => _reduce;

    public IReadOnlyList<TermChoice> Of(CellType type) => type == CellType.Normal ? _normal : _reduce;

    /// <summary>The name of the operation <paramref name="choice"/> applies.</summary>
    public string OpName(TermChoice choice) => Space.Ops[choice.Op];

    public Genotype ToGenotype() => new(ToTerms(_normal), ToTerms(_reduce)) { Space = Space };

    public static Architecture FromGenotype(Genotype genotype)
    {
        genotype.Validate();
        var space = genotype.Space;
        return new Architecture(FromTerms(genotype.Normal), FromTerms(genotype.Reduce), space);

        TermChoice[] FromTerms(IReadOnlyList<GenotypeTerm> terms) => terms.Select(t => new TermChoice(t.Input, space.IndexOf(t.Op))).ToArray();
    }

    public bool Equals(Architecture? other) =>
        other is not null && Space.Equals(other.Space) && _normal.AsSpan().SequenceEqual(other._normal) && _reduce.AsSpan().SequenceEqual(other._reduce);

    public override bool Equals(object? obj) => Equals(obj as Architecture);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var t in _normal) hash.Add(t);
        foreach (var t in _reduce) hash.Add(t);
        return hash.ToHashCode();
    }

    public override string ToString() => ToGenotype().ToString();

    private TermChoice[] Checked(IReadOnlyList<TermChoice> terms, CellType type)
    {
        if (terms.Count != Space.Terms)
            throw new ArgumentException($"a {type.JsonName()} cell has {Space.Terms} terms, got {terms.Count}");
        for (int k = 0; k < terms.Count; k++)
        {
            var t = terms[k];
            if (t.Input < 0 || t.Input >= CellLayout.InputsOfTerm(k))
                throw new ArgumentException($"{type.JsonName()} term {k} (node {CellLayout.NodeOfTerm(k)}) reads input {t.Input}; it may read 0..{CellLayout.InputsOfTerm(k) - 1}");
            if (t.Op < 0 || t.Op >= Space.Ops.Count)
                throw new ArgumentException($"{type.JsonName()} term {k} has op index {t.Op}; the space has {Space.Ops.Count} operations");
        }
        return terms.ToArray();
    }

    private List<GenotypeTerm> ToTerms(TermChoice[] terms) => terms.Select(t => new GenotypeTerm(OpName(t), t.Input)).ToList();
}
