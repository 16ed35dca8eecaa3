using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parsec.Search.Space;

/// <summary>One term of a cell: an operation applied to one earlier node (0, 1 = the cell inputs, 2.. = intermediate nodes).</summary>
public readonly record struct GenotypeTerm(string Op, int Input);

/// <summary>
/// A fixed architecture of a <see cref="SearchSpace"/>: for each cell type, two terms per intermediate node (8 in all
/// in the DARTS space); every cell's output concatenates the intermediate nodes (2..5 in the DARTS space).
/// </summary>
public sealed record Genotype(IReadOnlyList<GenotypeTerm> Normal, IReadOnlyList<GenotypeTerm> Reduce)
{
    /// <summary>The space the genotype's cells belong to: its node count and the operations its terms may name.</summary>
    public SearchSpace Space { get; init; } = SearchSpace.Darts;

    /// <summary>The terms of a cell of the DARTS space (a genotype of another space has its <see cref="SearchSpace.Terms"/>).</summary>
    public static int TermsPerCell => SearchSpace.Darts.Terms;

    /// <summary>Throws with the cell, term and field at fault when the genotype is not a valid cell pair of its space.</summary>
    public void Validate(string source = "genotype")
    {
        Check(Normal, "normal");
        Check(Reduce, "reduce");

        void Check(IReadOnlyList<GenotypeTerm> terms, string cell)
        {
            if (terms is null || terms.Count != Space.Terms)
                throw new BadInputException($"{source}: '{cell}' must list {Space.Terms} (op, input) terms ({Space.Nodes} nodes of {CellLayout.TermsPerNode}), got {terms?.Count ?? 0}");
            for (int k = 0; k < terms.Count; k++)
            {
                int node = CellLayout.NodeOfTerm(k);
                var t = terms[k];
                if (!Primitives.All.Contains(t.Op))
                    throw new BadInputException($"{source}: {cell}[{k}] has unknown op '{t.Op}'; expected one of: {string.Join(", ", Space.Ops)}");
                if (!Space.Ops.Contains(t.Op))
                    throw new BadInputException($"{source}: {cell}[{k}] has op '{t.Op}', which is not in the genotype's search space {Space}");
                if (t.Input < 0 || t.Input >= CellLayout.InputsOfNode(node))
                    throw new BadInputException($"{source}: {cell}[{k}] (node {node}) reads input {t.Input}; it may read 0..{CellLayout.InputsOfNode(node) - 1}");
            }
        }
    }

    public string ToJson() => JsonSerializer.Serialize(ToDto(), GenotypeJson.Options);

    public static Genotype FromJson(string json, string source = "genotype")
    {
        GenotypeDto? dto;
        try { dto = JsonSerializer.Deserialize<GenotypeDto>(json, GenotypeJson.Options); }
        catch (JsonException e) { throw new BadInputException($"{source}: not a genotype JSON document ({e.Message})", e); }
        if (dto?.Normal is null || dto.Reduce is null)
            throw new BadInputException($"{source}: expected an object with 'normal' and 'reduce' lists of [op, input] pairs");
        // Files written before spaces were chosen hold DARTS cells and say nothing of their space.
        var space = dto.Space is null ? SearchSpace.Darts : SearchSpace.FromJson(dto.Space, $"{source}: 'space'");
        RequireEveryNode(dto.NormalConcat, "normal_concat");
        RequireEveryNode(dto.ReduceConcat, "reduce_concat");
        var g = new Genotype(Parse(dto.Normal, "normal"), Parse(dto.Reduce, "reduce")) { Space = space };
        g.Validate(source);
        return g;

        // The cells always concatenate every intermediate node; a file that says otherwise describes another network.
        void RequireEveryNode(List<int>? concat, string field)
        {
            if (concat is not null && !concat.SequenceEqual(space.OutputNodes))
                throw new BadInputException($"{source}: '{field}' is [{string.Join(", ", concat)}]; only [{string.Join(", ", space.OutputNodes)}] (every intermediate node, as DARTS' cells concatenate) is supported; leave it out or write that list");
        }

        List<GenotypeTerm> Parse(List<JsonElement[]> pairs, string cell)
        {
            var result = new List<GenotypeTerm>();
            for (int k = 0; k < pairs.Count; k++)
            {
                var p = pairs[k];
                if (p.Length != 2 || p[0].ValueKind != JsonValueKind.String || p[1].ValueKind != JsonValueKind.Number)
                    throw new BadInputException($"{source}: {cell}[{k}] must be a pair [\"op_name\", input_index]");
                if (!p[1].TryGetInt32(out int input))
                    throw new BadInputException($"{source}: {cell}[{k}] has input index {p[1].GetRawText()}; expected a whole number naming an earlier node (0, 1 = the cell inputs, 2.. = intermediate nodes)");
                result.Add(new GenotypeTerm(p[0].GetString()!, input));
            }
            return result;
        }
    }

    public static Genotype Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"genotype file not found: {path}");
        return FromJson(File.ReadAllText(path), path);
    }

    private GenotypeDto ToDto() => new()
    {
        Normal = Normal.Select(t => new[] { JsonSerializer.SerializeToElement(t.Op), JsonSerializer.SerializeToElement(t.Input) }).ToList(),
        NormalConcat = [.. Space.OutputNodes],
        Reduce = Reduce.Select(t => new[] { JsonSerializer.SerializeToElement(t.Op), JsonSerializer.SerializeToElement(t.Input) }).ToList(),
        ReduceConcat = [.. Space.OutputNodes],
        // DARTS' genotypes are written as before spaces were chosen, so that their files stay the same bytes.
        Space = Space.Equals(SearchSpace.Darts) ? null : Space.ToJson(),
    };

    /// <summary>"normal: node 0 = sep_conv_3x3(c_{k-1}) + skip_connect(c_{k-2}); node 1 = ... | reduce: ...", with <see cref="CellLayout.InputName"/>'s names.</summary>
    public override string ToString() => $"normal: {Describe(Normal)} | reduce: {Describe(Reduce)}";

    public static string Describe(IReadOnlyList<GenotypeTerm> terms) => string.Join("; ", Enumerable.Range(0, terms.Count / CellLayout.TermsPerNode).Select(node =>
        $"{CellLayout.InputName(node + CellLayout.InputNodes)} = " +
        string.Join(" + ", terms.Skip(node * CellLayout.TermsPerNode).Take(CellLayout.TermsPerNode).Select(t => $"{t.Op}({CellLayout.InputName(t.Input)})"))));

    private sealed class GenotypeDto
    {
        public List<JsonElement[]>? Normal { get; set; }
        public List<int>? NormalConcat { get; set; }
        public List<JsonElement[]>? Reduce { get; set; }
        public List<int>? ReduceConcat { get; set; }
        public System.Text.Json.Nodes.JsonObject? Space { get; set; }
    }
}

internal static class GenotypeJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
