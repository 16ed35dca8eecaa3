using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Search.Model;
using Parsec.Search.Model.Ops;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;

namespace Parsec.Search.Loop;

/// <summary>
/// alpha.json, a DARTS search's result beside genotype.json: per cell type and edge (node, input) the mixing weight
/// of every candidate (the softmax of alpha), so the derivation can be checked and other rules tried.
/// </summary>
internal static class DartsAlphaFile
{
    public const string FileName = "alpha.json";

    public static void Write(string path, MixedOpWeights alpha)
    {
        var json = new JsonObject();
        foreach (var type in CellTypes.All)
        {
            var edges = new JsonArray();
            for (int node = 0; node < alpha.Space.Nodes; node++)
                for (int input = 0; input < CellLayout.InputsOfNode(node); input++)
                {
                    var w = alpha.Weights(type, CellLayout.EdgeIndex(node, input));
                    edges.Add(new JsonObject
                    {
                        ["node"] = node,
                        ["input"] = input,
                        ["weights"] = new JsonObject(alpha.CandidateNames.Select((name, c) => KeyValuePair.Create(name, (JsonNode?)w[c]))),
                    });
                }
            json[type.JsonName()] = edges;
        }
        AtomicFile.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
