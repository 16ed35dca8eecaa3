using Parsec.Search;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>A genotype file is taken as it says or refused naming the field: no value is silently rounded or replaced.</summary>
public class GenotypeFileTests
{
    private static string WithField(string field, JsonNode? value)
    {
        var json = JsonNode.Parse(PublishedGenotypes.DartsV2.ToJson())!.AsObject();
        json[field] = value;
        return json.ToJsonString();
    }

    [TestCase("normal_concat", "[]")]
    [TestCase("normal_concat", "[2,3,9]")]
    [TestCase("reduce_concat", "[4,5]")]
    [TestCase("reduce_concat", "[2,3,5,4]")]
    public void ConcatListsOtherThanEveryIntermediateNodeAreRefused(string field, string list)
    {
        Assert.That(() => Genotype.FromJson(WithField(field, JsonNode.Parse(list)), "g.json"),
            Throws.TypeOf<BadInputException>().With.Message.Contains($"g.json: '{field}' is [").And.Message.Contains("only [2, 3, 4, 5]"));
    }

    [Test]
    public void TheDartsConcatListOrNoneIsAccepted()
    {
        Assert.That(Genotype.FromJson(WithField("normal_concat", JsonNode.Parse("[2,3,4,5]")), "g.json").ToJson(), Is.EqualTo(PublishedGenotypes.DartsV2.ToJson()));
        var without = JsonNode.Parse(PublishedGenotypes.DartsV2.ToJson())!.AsObject();
        without.Remove("normal_concat");
        without.Remove("reduce_concat");
        Assert.That(Genotype.FromJson(without.ToJsonString(), "g.json").ToJson(), Is.EqualTo(PublishedGenotypes.DartsV2.ToJson()));
    }

    [Test]
    public void AFractionalInputIndexIsRefusedNamingFileAndTerm()
    {
        using var temp = new TempFolder();
        var json = JsonNode.Parse(PublishedGenotypes.DartsV2.ToJson())!.AsObject();
        json["normal"]![2]![1] = 1.5;
        string path = temp["genotype.json"];
        File.WriteAllText(path, json.ToJsonString());
        Assert.That(() => Genotype.Load(path), Throws.TypeOf<BadInputException>()
            .With.Message.Contains($"{path}: normal[2] has input index 1.5; expected a whole number"));

        var (code, output) = CapturedCli.Run(TinyCommands.Train(temp["run"], 1, "--genotype", path));
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain("normal[2] has input index 1.5"));
        Assert.That(Directory.Exists(temp["run"]), Is.False, "nothing was written");
    }
}
