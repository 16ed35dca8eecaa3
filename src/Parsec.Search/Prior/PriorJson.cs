using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Prior;

/// <summary>
/// The transferable artifact of a search, pi.json:
/// <code>
/// { "format": "parsec-prior/1", "term_inputs": "independent" | "distinct_per_node",
///   "primitives": ["max_pool_3x3", ...],                                          // the space's operations
///   "nodes": 3,                                                                    // its nodes per cell (absent: DARTS' 4)
///   "normal": { "input_logits": [[..2..], [..2..], [..3..], [..3..], ..., [..5..]],   // 2 x nodes terms
///               "op_logits":    [[..7..] x 8],
///               "inputs": [...], "ops": [...] },                                  // softmax, for reading only
///   "reduce": { ... } }
/// </code>
/// Loading reads the logits and checks every shape; the probabilities are written for people and plots. A file
/// without "nodes" was written before spaces were chosen: its cells have DARTS' four nodes.
/// The same per-cell probability object is one line of pi_history.jsonl.
/// </summary>
internal static class PriorJson
{
    public const string Format = "parsec-prior/1";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string ToJson(ArchitecturePrior prior)
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["term_inputs"] = TermInputsName(prior.TermInputs),
            ["primitives"] = new JsonArray(prior.Space.Ops.Select(p => (JsonNode)p!).ToArray()),
        };
        // A DARTS pi is written as before spaces were chosen, so that its file stays the same bytes.
        if (!prior.Space.Equals(SearchSpace.Darts)) root["nodes"] = prior.Space.Nodes;
        foreach (var type in CellTypes.All)
        {
            var cell = new JsonObject
            {
                ["input_logits"] = Rows(prior, k => Slice(prior, prior.InputBlock(type, k))),
                ["op_logits"] = Rows(prior, k => Slice(prior, prior.OpBlock(type, k))),
            };
            foreach (var (key, value) in CellProbabilities(prior, type)) cell[key] = value!.DeepClone();
            root[type.JsonName()] = cell;
        }
        return root.ToJsonString(Indented);
    }

    /// <summary>{"inputs": [[p..] x 8], "ops": [[p x 7] x 8]} for one cell type: softmax of each term's logits.</summary>
    public static JsonObject CellProbabilities(ArchitecturePrior prior, CellType type) => new()
    {
        ["inputs"] = Rows(prior, k => prior.InputProbabilities(type, k)),
        ["ops"] = Rows(prior, k => prior.OpProbabilities(type, k)),
    };

    public static void Save(ArchitecturePrior prior, string path) => AtomicFile.WriteAllText(path, ToJson(prior));

    /// <summary>The largest logit magnitude a pi.json may hold: searches move logits by a few units; 1e308 is a corrupt or hostile file.</summary>
    public const double MaxLogit = 1000;

    public static ArchitecturePrior Load(string path)
    {
        if (!File.Exists(path)) throw new BadInputException($"prior file not found: {path} (expected a pi.json written by a search)");
        return FromJson(File.ReadAllText(path), path);
    }

    public static ArchitecturePrior FromJson(string json, string source = "prior")
    {
        JsonNode? root;
        try { root = JsonNode.Parse(json); }
        catch (JsonException e) { throw new BadInputException($"{source}: not a JSON document ({e.Message})", e); }
        if (root is not JsonObject obj) throw new BadInputException($"{source}: expected a JSON object with 'normal' and 'reduce' logits");
        string? format = (obj["format"] as JsonValue)?.GetValue<string>();
        if (format != Format) throw new BadInputException($"{source}: 'format' is '{format}', expected '{Format}'");
        var space = ReadSpace(obj, source);
        var prior = new ArchitecturePrior(ParseTermInputs((obj["term_inputs"] as JsonValue)?.GetValue<string>(), source), space);
        foreach (var type in CellTypes.All)
        {
            var cell = obj[type.JsonName()] as JsonObject ?? throw new BadInputException($"{source}: missing object '{type.JsonName()}'");
            ReadRows(cell, "input_logits", k => prior.InputBlock(type, k));
            ReadRows(cell, "op_logits", k => prior.OpBlock(type, k));

            void ReadRows(JsonObject c, string key, Func<int, int> blockOf)
            {
                string where = $"{source}: {type.JsonName()}.{key}";
                if (c[key] is not JsonArray rows || rows.Count != prior.Space.Terms)
                    throw new BadInputException($"{where} must be a list of {prior.Space.Terms} rows (one per term)");
                for (int k = 0; k < prior.Space.Terms; k++)
                {
                    int block = blockOf(k), size = prior.Distribution.Size(block), offset = prior.Distribution.Offset(block);
                    if (rows[k] is not JsonArray row || row.Count != size)
                        throw new BadInputException($"{where}[{k}] must hold {size} numbers");
                    for (int i = 0; i < size; i++)
                    {
                        double v = row[i] is JsonValue jv && jv.TryGetValue(out double d) ? d
                            : throw new BadInputException($"{where}[{k}][{i}] is not a number");
                        if (!double.IsFinite(v) || Math.Abs(v) > MaxLogit)
                            throw new BadInputException($"{where}[{k}][{i}] is {v}; a logit must be a finite number within +-{MaxLogit} (a probability of e^-{MaxLogit} is already nothing)");
                        prior.Logits[offset + i] = v;
                    }
                }
            }
        }
        return prior;
    }

    /// <summary>The space of "primitives" and "nodes" (absent in files written before spaces were chosen: DARTS' four).</summary>
    private static SearchSpace ReadSpace(JsonObject obj, string source)
    {
        if (obj["primitives"] is not JsonArray primitives || primitives.Any(p => p?.GetValueKind() != JsonValueKind.String))
            throw new BadInputException($"{source}: 'primitives' must be the list of the search space's operation names");
        int nodes = SearchSpace.Darts.Nodes;
        if (obj["nodes"] is { } given && (given.GetValueKind() != JsonValueKind.Number || !given.AsValue().TryGetValue(out nodes)))
            throw new BadInputException($"{source}: 'nodes' must be a whole number from {SearchSpace.MinNodes} to {SearchSpace.MaxNodes}");
        return new SearchSpace([.. primitives.Select(p => p!.GetValue<string>())], nodes, $"{source}: 'primitives'", $"{source}: 'nodes'");
    }

    public static string TermInputsName(TermInputs mode) => mode == TermInputs.Independent ? "independent" : "distinct_per_node";

    public static TermInputs ParseTermInputs(string? name, string source) => name switch
    {
        "independent" => TermInputs.Independent,
        "distinct_per_node" => TermInputs.DistinctPerNode,
        _ => throw new BadInputException($"{source}: 'term_inputs' is '{name}', expected 'independent' or 'distinct_per_node'"),
    };

    private static double[] Slice(ArchitecturePrior prior, int block) =>
        prior.Logits.AsSpan(prior.Distribution.Offset(block), prior.Distribution.Size(block)).ToArray();

    private static JsonArray Rows(ArchitecturePrior prior, Func<int, double[]> row) =>
        new(Enumerable.Range(0, prior.Space.Terms).Select(k => (JsonNode)new JsonArray(row(k).Select(v => (JsonNode)v!).ToArray())).ToArray());
}
