using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Data;

namespace Parsec.Tests.Training;

[TestFixture]
public class PublishedGenotypesTests
{
    private static string Terms(IEnumerable<GenotypeTerm> terms) => string.Join(" ", terms.Select(t => $"{t.Op}:{t.Input}"));

    [Test]
    public void DartsV2IsTheReferenceCell()
    {
        // genotypes.py of the DARTS reference implementation, DARTS_V2.
        Assert.That(Terms(PublishedGenotypes.DartsV2.Normal), Is.EqualTo(
            "sep_conv_3x3:0 sep_conv_3x3:1 sep_conv_3x3:0 sep_conv_3x3:1 sep_conv_3x3:1 skip_connect:0 skip_connect:0 dil_conv_3x3:2"));
        Assert.That(Terms(PublishedGenotypes.DartsV2.Reduce), Is.EqualTo(
            "max_pool_3x3:0 max_pool_3x3:1 skip_connect:2 max_pool_3x3:1 max_pool_3x3:0 skip_connect:2 skip_connect:2 max_pool_3x3:1"));
        Assert.That(Terms(PublishedGenotypes.DartsV1.Reduce).Split(' ')[^1], Is.EqualTo("avg_pool_3x3:0"));
        foreach (var g in PublishedGenotypes.ByName.Values) Assert.That(() => g.Validate(), Throws.Nothing);
    }

    [Test]
    public void ResolvesNamesAndFiles()
    {
        Assert.That(PublishedGenotypes.Resolve("darts_v1"), Is.SameAs(PublishedGenotypes.DartsV1));
        using var temp = new TempFolder();
        string path = temp["g.json"];
        File.WriteAllText(path, PublishedGenotypes.DartsV2.ToJson());
        var loaded = PublishedGenotypes.Resolve(path);
        Assert.That(Terms(loaded.Normal), Is.EqualTo(Terms(PublishedGenotypes.DartsV2.Normal)));
        Assert.That(() => PublishedGenotypes.Resolve("DARTS_V3"),
            Throws.TypeOf<BadInputException>().With.Message.Contains("DARTS_V1, DARTS_V2"));
    }
}
