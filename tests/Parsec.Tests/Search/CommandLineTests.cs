using Parsec.Search;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cli;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Search;

[NonParallelizable] // the command line writes to the shared console
public class CommandLineTests
{
    private string _root = "";

    [SetUp]
    public void CreateRoot() => _root = Directory.CreateTempSubdirectory("parsec-cli-").FullName;

    [TearDown]
    public void DeleteRoot() => Directory.Delete(_root, recursive: true);

    [Test]
    public void QuickDemoRunsAndWritesOutputsThatParse()
    {
        Assert.That(CliApp.Run(["--quick", "--runs", _root, "--backend", "cpu"]), Is.EqualTo(CliApp.Success));
        var run = new RunFolder(Directory.GetDirectories(_root).Single());
        var options = OptionsFile.Read(run.Options);
        // 256 images split in halves give 8 batches of 16 per epoch; options.json records the resolved options.
        var expected = DemoCommand.Options(DemoLength.Quick).Resolved(iterationsPerEpoch: 8, imageSide: 8, priorImages: 128);
        using (var cpu = new CpuBackend()) expected = expected with { Concurrency = SampleConcurrency.Automatic(cpu, expected.Samples, () => 0) };
        Assert.That(options, Is.EqualTo(expected));
        Assert.That(MetricsFile.Read(run.Metrics).Rows, Has.Count.EqualTo(options.Iterations));
        // The CPU computes in fp32 whatever --precision asks (tf32 by default): options.json records what was in force.
        Assert.That(OptionsFile.ReadPrecision(run.Options), Is.EqualTo(Parsec.Autodiff.Precision.Fp32));
        Assert.That(PiHistoryFile.Read(run.PiHistory).Snapshots, Has.Count.EqualTo(options.Iterations + 1));
        var prior = PriorJson.Load(run.Pi);
        Assert.That(prior.Entropy(), Is.LessThan(prior.UniformEntropy()), "pi moved away from uniform");
        // genotype.json is the derivation of pi.json with the noise estimate written beside it (exact ties drawn, not taken in list order).
        var derived = Derivation.Derive(prior, DecisionNoiseFile.LoadBeside(run.Pi));
        Assert.That(Parsec.Search.Space.Genotype.Load(run.Genotype).ToJson(), Is.EqualTo(derived.Genotype.ToJson()));
        Assert.That(File.Exists(Path.Combine(run.Path, DecisionNoiseFile.FileName)), Is.True);
        Assert.That(JsonNode.Parse(File.ReadAllText(run.MemoryJson))!["cases"]!.AsObject(), Has.Count.EqualTo(3));
        Assert.That(SafeTensorsReader.ReadFile(run.Checkpoint).Tensors, Is.Not.Empty);
    }

    [TestCase("search", "--bogus")]
    [TestCase("search", "--batch-size", "1")]
    [TestCase("search", "--term-inputs", "sometimes")]
    [TestCase("search", "--precision", "fp16")]
    [TestCase("search", "--prior-from", "/no/such/pi.json")]
    [TestCase("search", "--resume", "/no/such/run")]
    [TestCase("search", "--test-count", "100")]
    [TestCase("study", "--no-published", "--also", "DARTS_V9")]
    [TestCase("search", "--momentum", "1e30")]
    [TestCase("search", "--lr-min", "1e30")]
    [TestCase("search", "--channels", "1000000000")]
    [TestCase("search", "--layers", "1000000000")]
    [TestCase("search", "--samples", "1000000000")]
    [TestCase("search", "--image-size", "1000000000")]
    [TestCase("search", "--train-count", "1000000000")]
    [TestCase("train", "--cutout", "1000000000")]
    [TestCase("study", "--random", "1000000000")]
    [TestCase("study", "--search-iterations", "0")]
    [TestCase("study", "--search-warmup", "1.5")]
    [TestCase("memory", "--batch-size", "1000000000")]
    [TestCase("train", "--out", "/etc/passwd")]
    [TestCase("study", "--out", "/etc/passwd")]
    [TestCase("search", "--runs", "/etc/passwd")]
    [TestCase("search", "--strategy", "evolution")]
    [TestCase("search", "--commit", "sometimes")]
    [TestCase("search", "--commit", "decided", "--strategy", "darts")]
    [TestCase("study", "--search-commit", "always")]
    [TestCase("search", "--cost-target", "1000")]
    [TestCase("derive", "/no/such/pi.json")]
    [TestCase("memory", "--channels", "7")]
    [TestCase("bench", "--steps", "0")]
    [TestCase("serch")]
    public void BadFlagsAndFilesAreUsageErrors(params string[] args)
    {
        int RunFolders() => Directory.Exists(RunFolder.DefaultRoot) ? Directory.GetDirectories(RunFolder.DefaultRoot).Length : 0;
        int before = RunFolders();
        Assert.That(CliApp.Run(args), Is.EqualTo(CliApp.UsageError));
        Assert.That(RunFolders(), Is.EqualTo(before), "a rejected command leaves no run folder behind");
    }

    [Test]
    public void DeriveWritesTheMostLikelyGenotypeOfAPiFile()
    {
        var prior = new ArchitecturePrior();
        prior.Logits[prior.Distribution.Offset(prior.OpBlock(CellType.Normal, 0)) + 4] = 3;
        string pi = Path.Combine(_root, "pi.json"), genotype = Path.Combine(_root, "genotype.json");
        PriorJson.Save(prior, pi);
        Assert.That(CliApp.Run(["derive", pi, "--out", genotype]), Is.EqualTo(CliApp.Success));
        var derived = Genotype.Load(genotype);
        Assert.That(derived.Normal[0].Op, Is.EqualTo(Primitives.SepConv5x5));
    }

    [Test]
    public void MemoryCommandWritesItsReport()
    {
        Assert.That(CliApp.Run(["memory", "--channels", "4", "--layers", "3", "--batch-size", "4", "--image-size", "8", "--out", _root]), Is.EqualTo(CliApp.Success));
        Assert.That(File.ReadAllText(Path.Combine(_root, "memory.txt")), Does.Contain("DARTS supernet / PARSEC sampled"));
    }
}
