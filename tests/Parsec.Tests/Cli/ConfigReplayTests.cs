using Parsec.Search;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Cli;

/// <summary>--config FILE: a run's options.json replays the run; flags given beside it win; a bad file is refused by name.</summary>
[NonParallelizable] // the command line writes to the shared console
public class ConfigReplayTests
{
    private static string Options(string run) => Path.Combine(run, "options.json");

    private static JsonObject Read(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        json.Remove("split_classes");
        return json;
    }

    [Test]
    public void ASearchReplayedFromItsOptionsFileRepeatsItToTheBit()
    {
        using var temp = new TempFolder();
        var (code, output) = CapturedCli.Run(TinyCommands.Search(temp["first"], 6, "--seed", "3", "--lr", "0.04"));
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        string first = TinyCommands.RunIn(temp["first"])!;

        (code, output) = CapturedCli.Run("search", "--config", Options(first), "--runs", temp["replay"]);
        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        string replay = TinyCommands.RunIn(temp["replay"])!;

        Assert.That(Read(Options(replay)).ToJsonString(), Is.EqualTo(Read(Options(first)).ToJsonString()));
        Assert.That(File.ReadAllText(Path.Combine(replay, "pi.json")), Is.EqualTo(File.ReadAllText(Path.Combine(first, "pi.json"))));
        Assert.That(File.ReadAllText(Path.Combine(replay, "genotype.json")), Is.EqualTo(File.ReadAllText(Path.Combine(first, "genotype.json"))));
    }

    [Test]
    public void AFlagGivenBesideTheConfigWinsAndIsRecorded()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["config.json"],
            "{\"dataset\":{\"name\":\"textures\",\"image_size\":8,\"train_count\":64},\"channels\":4,\"layers\":3,\"batch_size\":8,\"samples\":2,\"iterations\":2,\"weight_learning_rate\":0.05,\"backend\":\"cpu\"}");

        var (code, output) = CapturedCli.Run("search", "--config", temp["config.json"], "--lr", "0.03", "--runs", temp["runs"]);

        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        var options = Read(Options(TinyCommands.RunIn(temp["runs"])!));
        Assert.That(options["weight_learning_rate"]!.GetValue<double>(), Is.EqualTo(0.03), "the typed flag wins");
        Assert.That(options["channels"]!.GetValue<int>(), Is.EqualTo(4), "the file fills the rest");
        Assert.That(options["dataset"]!["image_size"]!.GetValue<int>(), Is.EqualTo(8));
    }

    [Test]
    public void TrainTakesItsSwitchesAsTheRecordedTrueOrFalse()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["config.json"],
            "{\"dataset\":{\"name\":\"textures\",\"image_size\":8,\"train_count\":32,\"test_count\":16},\"channels\":4,\"layers\":3,\"batch_size\":16,\"epochs\":1,\"auxiliary\":false,\"horizontal_flip\":null,\"cutout\":0,\"backend\":\"cpu\"}");

        var (code, output) = CapturedCli.Run("train", "--config", temp["config.json"], "--genotype", "DARTS_V1", "--out", temp["train"]);

        Assert.That(code, Is.EqualTo(ExitCodes.Done), output);
        Assert.That(File.Exists(Path.Combine(temp["train"], "result.json")));
        Assert.That(output, Does.Contain("32 training and 16 test images"));
    }

    [TestCase("{\"lrr\":0.1}", "unknown key 'lrr'; did you mean 'weight_learning_rate' (--lr)?")]
    [TestCase("{\"iterations\":\"many\"}", "'iterations' must be a whole number (it sets --iterations), got \"many\"")]
    [TestCase("{\"iterations\":8.5}", "'iterations' must be a whole number")]
    [TestCase("{\"dataset\":\"textures\"}", "'dataset' must be an object of")]
    [TestCase("[1,2]", "expected a JSON object of options")]
    [TestCase("{\"split\":\"first\"}", "'split' is \"first\", but a new run always uses \"stratified\"")]
    public void ABadConfigIsRefusedNamingTheFileAndKey(string text, string expected)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["config.json"], text);

        var (code, output) = CapturedCli.Run("search", "--config", temp["config.json"], "--runs", temp["runs"]);

        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        string flat = string.Join(" ", output.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
        Assert.That(flat, Does.Contain(temp["config.json"]).And.Contain(expected));
        Assert.That(Directory.Exists(temp["runs"]), Is.False, "nothing is written");
    }

    [Test]
    public void AMissingConfigFileIsNamed()
    {
        using var temp = new TempFolder();
        var (code, output) = CapturedCli.Run("search", "--config", temp["absent.json"]);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain("--config").And.Contain("file not found"));
    }
}
