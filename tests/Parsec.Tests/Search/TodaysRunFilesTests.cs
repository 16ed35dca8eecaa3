using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Search;

/// <summary>
/// A search run folder as parsec wrote it on 2026-12-07 (a 12-iteration textures search; its text files, without the
/// checkpoint and the pictures) keeps loading: its options, pi, genotype, metrics and pi history are read, `derive`
/// gives back its genotype to the byte, and `cost` prices it. A format change that breaks old runs fails here.
/// </summary>
[TestFixture]
public class TodaysRunFilesTests
{
    private string _run = "";

    private static string Fixture => Path.Combine(TestContext.CurrentContext.TestDirectory, "Fixtures", "search-run-2026-12-07");

    [SetUp]
    public void CopyTheRun()
    {
        _run = Directory.CreateTempSubdirectory("parsec-old-run-").FullName;
        foreach (var file in Directory.GetFiles(Fixture)) File.Copy(file, Path.Combine(_run, Path.GetFileName(file)));
    }

    [TearDown]
    public void RemoveTheCopy() => Directory.Delete(_run, recursive: true);

    [Test]
    public void ItsOptionsPiAndGenotypeLoad()
    {
        var options = OptionsFile.Read(Path.Combine(_run, "options.json"));
        Assert.That((options.Channels, options.Layers, options.Iterations, options.Samples, options.BatchSize), Is.EqualTo((4, 3, 12, 4, 16)));
        var prior = PriorJson.Load(Path.Combine(_run, "pi.json"));
        Assert.That(prior.Logits, Has.Length.EqualTo(new ArchitecturePrior(prior.TermInputs).Logits.Length));
        var genotype = Genotype.Load(Path.Combine(_run, "genotype.json"));
        Assert.That(genotype.Normal, Has.Count.EqualTo(Genotype.TermsPerCell));
    }

    [Test]
    public void DeriveGivesBackItsGenotypeAndCostPricesIt()
    {
        string derived = Path.Combine(_run, "derived.json");
        Assert.That(CliApp.Run(["derive", _run, "--out", derived]), Is.EqualTo(CliApp.Success));
        Assert.That(File.ReadAllBytes(derived), Is.EqualTo(File.ReadAllBytes(Path.Combine(_run, "genotype.json"))));

        var (code, output) = CapturedCli.Run("cost", _run);
        Assert.That(code, Is.EqualTo(CliApp.Success), output);
        Assert.That(output, Does.Contain("6,762"), "the run's genotype at the run's C = 4 and 3 cells");
    }

    [Test]
    public void ItsMetricsAndPiHistoryStillMakeItsReport()
    {
        var report = RunReport.WriteAll(_run);
        Assert.That(report.Files.Select(Path.GetFileName), Does.Contain("curves.png").And.Contain("pi_final.png"));
    }
}
