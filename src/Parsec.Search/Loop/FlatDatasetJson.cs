using System.Text.Json.Nodes;

namespace Parsec.Search.Loop;

/// <summary>
/// Search options written before the dataset became one record kept it in six flat keys ("dataset": "textures",
/// "data_count", "image_size", "data_seed", "data_folder", "cifar100_coarse"). Run folders and studies of that
/// time still resume: their options are rewritten to the nested form before they are read.
/// </summary>
internal static class FlatDatasetJson
{
    private static readonly (string Flat, string Nested)[] Keys =
        [("data_folder", "folder"), ("image_size", "image_size"), ("data_count", "train_count"), ("data_seed", "seed"), ("cifar100_coarse", "cifar100_coarse")];

    /// <summary>Moves the flat dataset keys of <paramref name="search"/> into a "dataset" object; nested options are left alone.</summary>
    public static void Upgrade(JsonObject search)
    {
        if (search["dataset"] is not JsonValue name) return;
        var dataset = new JsonObject { ["name"] = name.DeepClone() };
        foreach (var (flat, nested) in Keys)
        {
            if (!search.ContainsKey(flat)) continue;
            dataset[nested] = search[flat]?.DeepClone();
            search.Remove(flat);
        }
        search["dataset"] = dataset;
    }
}
