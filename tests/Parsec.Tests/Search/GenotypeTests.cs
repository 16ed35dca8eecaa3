using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class GenotypeTests
{
    [Test]
    public void ArchitectureGenotypeAndJsonRoundTrip()
    {
        var rng = new Rng(2);
        var prior = new ArchitecturePrior();
        for (int i = 0; i < 20; i++)
        {
            var architecture = prior.Sample(rng);
            var genotype = architecture.ToGenotype();
            var parsed = Genotype.FromJson(genotype.ToJson());
            Assert.That(Architecture.FromGenotype(parsed), Is.EqualTo(architecture));
            Assert.That(parsed.ToJson(), Is.EqualTo(genotype.ToJson()));
        }
    }

    [TestCase("{\"normal\": null}", "expected an object with 'normal' and 'reduce'")]
    [TestCase("{\"normal\": [], \"reduce\": []}", "must list 8")]
    [TestCase("not json", "not a genotype JSON document")]
    public void MalformedGenotypeJsonIsRejected(string json, string expected)
    {
        Assert.That(() => Genotype.FromJson(json, "g.json"), Throws.TypeOf<BadInputException>().With.Message.Contains(expected));
    }

    [Test]
    public void GenotypeValidationNamesTheFaultyTerm()
    {
        var good = new ArchitecturePrior().MostLikelyGenotype();
        var unknownOp = good with { Normal = good.Normal.Select((t, k) => k == 3 ? t with { Op = "conv_7x7" } : t).ToList() };
        Assert.That(() => unknownOp.Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("normal[3] has unknown op 'conv_7x7'"));
        var badInput = good with { Reduce = good.Reduce.Select((t, k) => k == 1 ? t with { Input = 2 } : t).ToList() };
        Assert.That(() => badInput.Validate(), Throws.TypeOf<BadInputException>().With.Message.Contains("reduce[1] (node 0) reads input 2"));
        Assert.That(() => new Architecture(new TermChoice[7], new TermChoice[8]), Throws.ArgumentException.With.Message.Contains("8 terms"));
    }
}
