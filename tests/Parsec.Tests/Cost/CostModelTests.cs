using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Cost;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.Study;
using Parsec.Search.Training;

namespace Parsec.Tests.Cost;

internal class CostModelTests
{
    private static readonly CostShape Small = new(Channels: 8, Layers: 5, ImageSide: 28, InputChannels: 1);

    /// <summary>DARTS reports 3.3M parameters for DARTS_V2 at C = 36, 20 cells on CIFAR-10, the auxiliary head left out.</summary>
    [Test]
    public void DartsV2HasThePublishedParameterCount()
    {
        var cost = NetworkCost.Of(PublishedGenotypes.DartsV2, CostShape.DartsCifar10);
        Assert.That(cost.Parameters, Is.InRange(3_250_000, 3_400_000));
        Assert.That(cost.MultiplyAdds, Is.GreaterThan(400_000_000).And.LessThan(700_000_000), "about half a billion multiply-adds per 32x32 image");
    }

    /// <summary>The parameters a training counts (its network built by `train`'s code) are the cost model's.</summary>
    [Test]
    public void TheParameterCountIsTheTrainedNetworksAndMultiplyAddsGrowWithTheImage()
    {
        var genotype = RandomGenotypes.Sample(1, 3, TermInputs.DistinctPerNode, SearchSpace.Darts)[0];
        var small = NetworkCost.Of(genotype, Small);
        var larger = NetworkCost.Of(genotype, Small with { ImageSide = 56 });
        Assert.That(larger.Parameters, Is.EqualTo(small.Parameters), "weights do not depend on the image size");
        Assert.That(larger.MultiplyAdds / (double)small.MultiplyAdds, Is.EqualTo(4).Within(0.05), "twice the side, four times the positions");
    }

    [TestCase(CostMeasure.Params)]
    [TestCase(CostMeasure.Flops)]
    public void TheTableGivesEveryGenotypesCostExactly(CostMeasure measure)
    {
        var table = TermCostTable.Build(Small, measure);
        foreach (var genotype in RandomGenotypes.Sample(10, 11, TermInputs.DistinctPerNode, SearchSpace.Darts).Append(PublishedGenotypes.DartsV2))
            Assert.That(table.CostOf(Architecture.FromGenotype(genotype)), Is.EqualTo(NetworkCost.Of(genotype, Small).Of(measure)), genotype.ToString());
        Assert.That(table.Term(CellType.Normal, 0, 0, SearchSpace.Darts.IndexOf(Primitives.SepConv5x5)), Is.GreaterThan(table.Term(CellType.Normal, 0, 0, SearchSpace.Darts.IndexOf(Primitives.SepConv3x3))));
    }

    /// <summary>
    /// E[cost] under a learnt-looking pi against the mean of 20,000 sampled architectures' exact costs (within 4 standard
    /// errors), and its gradient against central differences, with distinct and independent inputs.
    /// </summary>
    [TestCase(TermInputs.DistinctPerNode)]
    [TestCase(TermInputs.Independent)]
    public void TheExpectedCostUnderPiAndItsGradientAreExact(TermInputs mode)
    {
        var table = TermCostTable.Build(Small, CostMeasure.Params);
        var prior = new ArchitecturePrior(mode);
        var rng = new Rng(5);
        for (int i = 0; i < prior.Logits.Length; i++) prior.Logits[i] = 1.5 * rng.NextGaussian();
        var (expected, gradient) = table.ExpectedCost(prior);

        var costs = Enumerable.Range(0, 20_000).Select(_ => table.CostOf(prior.Sample(rng))).ToArray();
        double mean = costs.Average(), sd = Math.Sqrt(costs.Sum(c => (c - mean) * (c - mean)) / (costs.Length - 1));
        Assert.That(expected, Is.EqualTo(mean).Within(4 * sd / Math.Sqrt(costs.Length)));

        const double h = 1e-5;
        for (int i = 0; i < prior.Logits.Length; i += 7)
        {
            double saved = prior.Logits[i];
            prior.Logits[i] = saved + h;
            double up = table.ExpectedCost(prior).Expected;
            prior.Logits[i] = saved - h;
            double down = table.ExpectedCost(prior).Expected;
            prior.Logits[i] = saved;
            double numeric = (up - down) / (2 * h);
            Assert.That(gradient[i], Is.EqualTo(numeric).Within(1e-5 * Math.Max(1, Math.Abs(numeric))), $"logit {i}");
        }
        Assert.That(gradient.Max(Math.Abs), Is.GreaterThan(1), "a vacuous check");
    }
}

/// <summary>`parsec cost`: what it prints for a published genotype and a search run, and what it refuses.</summary>
[NonParallelizable] // swaps the process-wide console
public class CostCommandTests
{
    internal static (int Code, string Output) Run(params string[] args)
    {
        var writer = new StringWriter();
        var previous = Spectre.Console.AnsiConsole.Console;
        Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(writer), Ansi = Spectre.Console.AnsiSupport.No, ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
        });
        Spectre.Console.AnsiConsole.Console.Profile.Width = 300;
        try { return (Parsec.Search.Cli.CliApp.Run(args), writer.ToString()); }
        finally { Spectre.Console.AnsiConsole.Console = previous; }
    }

    [Test]
    public void CostPrintsDartsV2AtDartsSizesAndASearchRunAtItsOwn()
    {
        var (code, output) = Run("cost", "DARTS_V2");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("3,349,342").And.Contain("528,359,040").And.Contain("C = 36, 20 cells, 3x32x32"));

        string runs = Directory.CreateTempSubdirectory("parsec-cost-").FullName;
        try
        {
            Assert.That(Parsec.Search.Cli.CliApp.Run(Tooling.TinyCommands.Search(runs, 2)), Is.EqualTo(0));
            string run = Tooling.TinyCommands.RunIn(runs)!;
            (code, output) = Run("cost", run);
            Assert.That(code, Is.EqualTo(0), output);
            var genotype = Genotype.Load(Path.Combine(run, "genotype.json"));
            long expected = NetworkCost.Of(genotype, new CostShape(4, 3, 8, InputChannels: 3, Classes: 10)).Parameters;
            Assert.That(output, Does.Contain("C = 4, 3 cells, 3x8x8 images, 10 classes").And.Contain(expected.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally { Directory.Delete(runs, recursive: true); }
    }

    [TestCase("DARTS_V9", "DARTS_V9")]
    [TestCase("--channels", "--channels must be between 2 and 1024")]
    public void CostRefusesWhatItCannotPrice(string what, string expected)
    {
        var (code, output) = what == "--channels" ? Run("cost", "DARTS_V2", "--channels", "0") : Run("cost", what);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(output, Does.Contain(expected));
    }
}
