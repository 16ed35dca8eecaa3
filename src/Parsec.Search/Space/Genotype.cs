using System.Text.Json;
using System.Text.Json.Serialization;

namespace Parsec.Search.Space;

/// <summary>One term of a cell: an operation applied to one earlier node (0, 1 = the cell inputs, 2.. = intermediate nodes).</summary>
public readonly record struct GenotypeTerm(string Op, int Input);

/// <summary>
/// A fixed architecture in the DARTS form: for each cell type, two terms per intermediate node (8 in all);
/// every cell's output concatenates the intermediate nodes 2..5.
/// </summary>
public sealed record Genotype(IReadOnlyList<GenotypeTerm> Normal, IReadOnlyList<GenotypeTerm> Reduce)
{
    public const int IntermediateNodes = 4;
    public const int TermsPerNode = 2;
    public const int TermsPerCell = IntermediateNodes * TermsPerNode;
    /// <summary>The nodes every cell's output concatenates: all intermediate nodes.</summary>
    public static readonly IReadOnlyList<int> OutputNodes = [2, 3, 4, 5];

    /// <summary>Throws with the cell, term and field at fault when the genotype is not a valid DARTS cell pair.</summary>
    public void Validate(string source = "genotype")
    {
        Check(Normal, "normal");
        Check(Reduce, "reduce");

        void Check(IReadOnlyList<GenotypeTerm> terms, string cell)
        {
            if (terms is null || terms.Count != TermsPerCell)
                throw new BadInputException($"{source}: '{cell}' must list {TermsPerCell} (op, input) terms, got {terms?.Count ?? 0}");
            for (int k = 0; k < terms.Count; k++)
            {
                int node = k / TermsPerNode;
                var t = terms[k];
                if (!Primitives.All.Contains(t.Op))
                    throw new BadInputException($"{source}: {cell}[{k}] has unknown op '{t.Op}'; expected one of: {string.Join(", ", Primitives.All)}");
                if (t.Input < 0 || t.Input >= node + 2)
                    throw new BadInputException($"{source}: {cell}[{k}] (node {node}) reads input {t.Input}; it may read 0..{node + 1}");
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
        RequireDartsConcat(dto.NormalConcat, "normal_concat");
        RequireDartsConcat(dto.ReduceConcat, "reduce_concat");
        var g = new Genotype(Parse(dto.Normal, "normal"), Parse(dto.Reduce, "reduce"));
        g.Validate(source);
        return g;

        // The cells always concatenate every intermediate node; a file that says otherwise describes another network.
        void RequireDartsConcat(List<int>? concat, string field)
        {
            if (concat is not null && !concat.SequenceEqual(OutputNodes))
                throw new BadInputException($"{source}: '{field}' is [{string.Join(", ", concat)}]; only [{string.Join(", ", OutputNodes)}] (every intermediate node, as DARTS' cells concatenate) is supported; leave it out or write that list");
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
        NormalConcat = [.. OutputNodes],
        Reduce = Reduce.Select(t => new[] { JsonSerializer.SerializeToElement(t.Op), JsonSerializer.SerializeToElement(t.Input) }).ToList(),
        ReduceConcat = [.. OutputNodes],
    };

    /// <summary>"normal: node 0 = sep_conv_3x3(c_{k-1}) + skip_connect(c_{k-2}); node 1 = ... | reduce: ...", with <see cref="CellLayout.InputName"/>'s names.</summary>
    public override string ToString() => $"normal: {Describe(Normal)} | reduce: {Describe(Reduce)}";

    public static string Describe(IReadOnlyList<GenotypeTerm> terms) => string.Join("; ", Enumerable.Range(0, IntermediateNodes).Select(node =>
        $"{CellLayout.InputName(node + CellLayout.InputNodes)} = " +
        string.Join(" + ", terms.Skip(node * TermsPerNode).Take(TermsPerNode).Select(t => $"{t.Op}({CellLayout.InputName(t.Input)})"))));

    private sealed class GenotypeDto
    {
        public List<JsonElement[]>? Normal { get; set; }
        public List<int>? NormalConcat { get; set; }
        public List<JsonElement[]>? Reduce { get; set; }
        public List<int>? ReduceConcat { get; set; }
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
