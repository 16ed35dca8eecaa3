using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Space;

namespace Parsec.Search.Study;

/// <summary>Where a compared genotype comes from.</summary>
internal enum GenotypeKind
{
    Searched,
    Random,
    Published,
}

/// <summary>One genotype of a study, by the name its training folders use.</summary>
/// <param name="Strategy">For a searched genotype, the strategy that found it ("parsec", "random-ws"); null in studies written before there could be several (PARSEC).</param>
internal sealed record StudyGenotype(string Name, GenotypeKind Kind, Genotype Genotype, string? Strategy = null)
{
    public static string KindName(GenotypeKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>genotypes.json: [{"name": ..., "kind": ..., "genotype": {...}}, ...].</summary>
    public static string ToJson(IEnumerable<StudyGenotype> genotypes) => new JsonArray(genotypes.Select(g => (JsonNode)new JsonObject
    {
        ["name"] = g.Name,
        ["kind"] = KindName(g.Kind),
        ["strategy"] = g.Strategy,
        ["genotype"] = JsonNode.Parse(g.Genotype.ToJson()),
    }).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    public static IReadOnlyList<StudyGenotype> Load(string path)
    {
        JsonArray entries;
        try { entries = JsonNode.Parse(File.ReadAllText(path)) as JsonArray ?? throw new BadInputException($"{path}: expected a JSON list of genotypes"); }
        catch (JsonException e) { throw new BadInputException($"{path}: not a JSON document ({e.Message})", e); }
        return entries.Select((entry, i) =>
        {
            string where = $"{path}: entry {i}";
            string name = entry?["name"]?.GetValue<string>() ?? throw new BadInputException($"{where} has no 'name'");
            string kind = entry["kind"]?.GetValue<string>() ?? throw new BadInputException($"{where} has no 'kind'");
            var parsed = Enum.GetValues<GenotypeKind>().FirstOrDefault(k => KindName(k) == kind, (GenotypeKind)(-1));
            if (!Enum.IsDefined(parsed)) throw new BadInputException($"{where}: 'kind' is '{kind}', expected searched, random or published");
            var genotype = entry["genotype"] ?? throw new BadInputException($"{where} has no 'genotype'");
            return new StudyGenotype(name, parsed, Genotype.FromJson(genotype.ToJsonString(), $"{where} genotype"), entry["strategy"]?.GetValue<string>());
        }).ToList();
    }
}
