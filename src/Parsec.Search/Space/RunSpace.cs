using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parsec.Search.Space;

/// <summary>The search space a run folder's files belong to: the "space" its options.json records.</summary>
internal static class RunSpace
{
    /// <summary>
    /// The space of the search run in <paramref name="folder"/>; DARTS' when options.json does not record one (written
    /// before spaces were chosen) or when there is no options.json (a folder of loose files, read as they always were).
    /// </summary>
    public static SearchSpace Of(string folder)
    {
        string path = Path.Combine(folder, "options.json");
        if (!File.Exists(path)) return SearchSpace.Darts;
        JsonNode? options;
        try { options = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new BadInputException($"{path}: not a valid options.json ({e.Message})", e); }
        return options?["space"] is { } space ? SearchSpace.FromJson(space, $"{path}: 'space'") : SearchSpace.Darts;
    }
}
