using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Parsec.Search.Space;

/// <summary>
/// What a search chooses among: the candidate operations (an ordered subset of the declared primitives, whose order
/// is the order of pi's op logits) and the number of intermediate nodes per cell (node j sums two terms, each reading
/// one of the 2 + j earlier nodes; the cell output concatenates every intermediate node). <see cref="Darts"/> is the
/// DARTS cell; any other space is the user's. Every genotype, pi and cost table belongs to one space.
/// </summary>
[JsonConverter(typeof(SearchSpaceJsonConverter))]
public sealed class SearchSpace : IEquatable<SearchSpace>
{
    public const int MinNodes = 2;
    /// <summary>Six nodes already give a cell of 12 terms reading up to 7 inputs; beyond that searches grow for little reason.</summary>
    public const int MaxNodes = 6;
    /// <summary>A term must have something to choose.</summary>
    public const int MinOps = 2;

    /// <summary>DARTS' space: its seven operations (without `none`) in its order, four intermediate nodes.</summary>
    public static readonly SearchSpace Darts = new(
        [Primitives.MaxPool3x3, Primitives.AvgPool3x3, Primitives.SkipConnect, Primitives.SepConv3x3, Primitives.SepConv5x5, Primitives.DilConv3x3, Primitives.DilConv5x5],
        nodes: 4);

    /// <summary>Throws a <see cref="BadInputException"/> naming <paramref name="opsSource"/> or <paramref name="nodesSource"/> (a flag, or a file's field) when the space is not one the engine can search.</summary>
    public SearchSpace(IReadOnlyList<string> ops, int nodes, string opsSource = "ops", string nodesSource = "nodes")
    {
        foreach (string op in ops)
            if (!Primitives.All.Contains(op))
                throw new BadInputException($"{opsSource}: unknown operation '{op}'; expected names among: {string.Join(", ", Primitives.All)}");
        if (ops.GroupBy(op => op).FirstOrDefault(g => g.Count() > 1) is { } repeated)
            throw new BadInputException($"{opsSource}: '{repeated.Key}' is listed twice; name each operation once");
        if (ops.Count < MinOps)
            throw new BadInputException($"{opsSource}: {ops.Count} operation{(ops.Count == 1 ? "" : "s")}; a space needs at least {MinOps} for a term to choose among");
        if (nodes is < MinNodes or > MaxNodes)
            throw new BadInputException($"{nodesSource}: {nodes} intermediate nodes per cell; expected {MinNodes} to {MaxNodes}");
        Ops = [.. ops];
        Nodes = nodes;
    }

    /// <summary>The candidate operations, in pi's order.</summary>
    public IReadOnlyList<string> Ops { get; }

    /// <summary>Intermediate nodes per cell.</summary>
    public int Nodes { get; }

    /// <summary>The terms of one cell: two per intermediate node.</summary>
    public int Terms => Nodes * CellLayout.TermsPerNode;

    /// <summary>The (node, input) edges of a cell: 2 + 3 + ... + (Nodes + 1); DARTS' 14.</summary>
    public int Edges => Enumerable.Range(0, Nodes).Sum(CellLayout.InputsOfNode);

    /// <summary>The most inputs a term may choose among (those of the last node).</summary>
    public int MaxInputs => CellLayout.InputsOfNode(Nodes - 1);

    /// <summary>The nodes a cell's output concatenates, as genotype files write them: every intermediate node (2, 3, ...).</summary>
    public IReadOnlyList<int> OutputNodes => [.. Enumerable.Range(CellLayout.InputNodes, Nodes)];

    /// <summary>The index of <paramref name="op"/> in <see cref="Ops"/>; an operation outside the space is refused with the space's list.</summary>
    public int IndexOf(string op)
    {
        for (int i = 0; i < Ops.Count; i++)
            if (Ops[i] == op) return i;
        throw new BadInputException($"operation '{op}' is not in the search space {this}");
    }

    /// <summary>{"ops": [...], "nodes": N}: the form options.json, pi.json, genotype.json and a --space file share.</summary>
    public JsonObject ToJson() => new()
    {
        ["ops"] = new JsonArray([.. Ops.Select(op => (JsonNode)op!)]),
        ["nodes"] = Nodes,
    };

    /// <summary>Reads <see cref="ToJson"/>'s form; <paramref name="source"/> names the file (and field) in messages.</summary>
    public static SearchSpace FromJson(JsonNode? node, string source)
    {
        if (node is not JsonObject obj)
            throw new BadInputException($"{source}: expected an object {{\"ops\": [operation names], \"nodes\": {MinNodes}..{MaxNodes}}}");
        foreach (var (key, _) in obj)
            if (key is not ("ops" or "nodes"))
                throw new BadInputException($"{source}: unknown field '{key}'; a search space has 'ops' and 'nodes'");
        if (obj["ops"] is not JsonArray ops || ops.Any(op => op?.GetValueKind() != JsonValueKind.String))
            throw new BadInputException($"{source}: 'ops' must be a list of operation names, such as [\"{Primitives.SepConv3x3}\", \"{Primitives.MaxPool3x3}\"]");
        if (obj["nodes"] is not JsonValue nodes || nodes.GetValueKind() != JsonValueKind.Number || !nodes.TryGetValue(out int count))
            throw new BadInputException($"{source}: 'nodes' must be a whole number from {MinNodes} to {MaxNodes}");
        return new SearchSpace([.. ops.Select(op => op!.GetValue<string>())], count, $"{source}: 'ops'", $"{source}: 'nodes'");
    }

    /// <summary>Refuses a genotype's or pi's space that is not <paramref name="expected"/>, naming both.</summary>
    public static void RequireSame(SearchSpace expected, SearchSpace found, string what)
    {
        if (!expected.Equals(found))
            throw new BadInputException($"{what} belongs to the search space {found}, not to this run's {expected}");
    }

    /// <remarks>A search compares one space object with itself at every sample: the reference test spares it the lists.</remarks>
    public bool Equals(SearchSpace? other) => ReferenceEquals(this, other) || (other is not null && Nodes == other.Nodes && Ops.SequenceEqual(other.Ops));
    public override bool Equals(object? obj) => Equals(obj as SearchSpace);
    public override int GetHashCode() => Ops.Aggregate(Nodes.GetHashCode(), HashCode.Combine);

    /// <summary>"[max_pool_3x3, ..., dil_conv_5x5] with 4 nodes per cell" ("DARTS ..." for the default).</summary>
    public override string ToString() => $"{(Equals(Darts) ? "DARTS " : "")}[{string.Join(", ", Ops)}] with {Nodes} nodes per cell";
}

/// <summary>Writes and reads a space as <see cref="SearchSpace.ToJson"/>'s object (options.json's "space").</summary>
internal sealed class SearchSpaceJsonConverter : JsonConverter<SearchSpace>
{
    public override SearchSpace Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        SearchSpace.FromJson(JsonNode.Parse(ref reader), "space");

    public override void Write(Utf8JsonWriter writer, SearchSpace value, JsonSerializerOptions options) => value.ToJson().WriteTo(writer);
}
