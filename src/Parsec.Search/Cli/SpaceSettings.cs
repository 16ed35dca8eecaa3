using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Space;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>The search space options shared by `search` and `study`: the operations and nodes pi is learnt over.</summary>
internal abstract class SpaceSettings : Replay.ConfigurableSettings
{
    // In a --config file these are the "space" object options.json records.
    [CommandOption("--ops <NAMES>")]
    [Flags.ConfigKey("space.ops")]
    [Description("The operations a term chooses among, comma-separated, in pi's order (repeatable). Default: DARTS' max_pool_3x3, avg_pool_3x3, skip_connect, sep_conv_3x3, sep_conv_5x5, dil_conv_3x3, dil_conv_5x5; sep_conv_7x7, dil_conv_7x7 and conv_7x1_1x7 may be added.")]
    public string[]? Ops { get; init; }

    [CommandOption("--nodes <N>")]
    [Flags.ConfigKey("space.nodes")]
    [Description("Intermediate nodes per cell (each sums two terms; the cell output concatenates them all). Default: 4, as DARTS.")]
    [Flags.Within(SearchSpace.MinNodes, SearchSpace.MaxNodes)]
    public int? Nodes { get; init; }

    [CommandOption("--space <FILE>")]
    [Flags.ConfigKey("space_file")]
    [Description("The space as a JSON file {\"ops\": a list of operation names, \"nodes\": N}, instead of --ops and --nodes.")]
    public string? SpaceFile { get; init; }

    /// <summary>The space these flags name; DARTS' when none is given.</summary>
    public SearchSpace ToSpace()
    {
        if (SpaceFile is not null)
        {
            if (Ops is not null || Nodes is not null) throw new BadInputException("--space names the whole space; give it or --ops and --nodes, not both");
            if (!File.Exists(SpaceFile)) throw new BadInputException($"--space: file not found: {SpaceFile}");
            JsonNode? json;
            try { json = JsonNode.Parse(File.ReadAllText(SpaceFile)); }
            catch (JsonException e) { throw new BadInputException($"--space {SpaceFile}: not a JSON document ({e.Message})", e); }
            return SearchSpace.FromJson(json, $"--space {SpaceFile}");
        }
        if (Ops is null && Nodes is null) return SearchSpace.Darts;
        var ops = Ops?.SelectMany(list => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList() ?? [.. SearchSpace.Darts.Ops];
        return new SearchSpace(ops, Nodes ?? SearchSpace.Darts.Nodes, "--ops", "--nodes");
    }
}
