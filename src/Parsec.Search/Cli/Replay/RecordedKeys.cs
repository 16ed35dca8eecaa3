using System.Text.Json.Nodes;
using Parsec.Search.Data.Files;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli.Replay;

/// <summary>
/// Keys a run's options.json holds that are no option of any command, accepted so that a run's own options.json
/// replays. Everything else options.json writes is an option: the resolved values included (--iterations,
/// --likelihood-scale, --prior-lr, --concurrency, the image size read), which therefore stay as the run had them,
/// and "backend" and "precision", which choose the backend the run used (its kind, for "cuda:0").
/// </summary>
internal static class RecordedKeys
{
    /// <summary>The value a key must have for a new run to repeat it, or null for a key that is ignored.</summary>
    private static readonly Dictionary<string, string?> Required = new(StringComparer.Ordinal)
    {
        // The images per class of the weights' part and pi's part: a result of the data and --split-seed, not a choice.
        [OptionsFile.SplitClassesKey] = null,
        // How a search cuts its training set, and how counts choose images from files: every new run draws stratified;
        // runs made before that say "first", which only a --resume of them repeats.
        [OptionsFile.SplitKey] = "stratified",
        [$"dataset.{DatasetSpec.SubsetKey}"] = "stratified",
    };

    /// <summary>True for a recorded key, once its value is one a new run repeats; false for a key that is not recorded.</summary>
    public static bool Accept(string file, string key, JsonNode? value)
    {
        if (!Required.TryGetValue(key, out string? required)) return false;
        if (required is null) return true;
        string? text = value?.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : null;
        if (text != required)
            throw new BadInputException(
                $"{file}: '{key}' is {value?.ToJsonString() ?? "null"}, but a new run always uses \"{required}\" (a run recorded with another rule is continued with --resume, not replayed)");
        return true;
    }
}
