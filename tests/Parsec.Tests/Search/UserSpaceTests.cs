using System.Globalization;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Parsec.Search;
using Parsec.Search.Cli;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.RunFiles;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Predict;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Search;

/// <summary>
/// A search space named on the command line (--ops, --nodes, --space): searched, recorded in every file, trained,
/// exported and predicted from; files of another space refused naming both; files written before spaces read as DARTS'.
/// </summary>
[TestFixture]
public class UserSpaceTests
{
    private static readonly string[] OpsWithSepConv7x7 = [.. SearchSpace.Darts.Ops, Primitives.SepConv7x7];
    private static readonly SearchSpace ThreeNodesWithSepConv7x7 = new(OpsWithSepConv7x7, 3);

    /// <summary>
    /// DARTS' operations and sep_conv_7x7 in cells of 3 nodes: the search's genotype (seeded so that it holds a 7x7)
    /// trains, exports to ONNX, and the exported model predicts the engine's logits.
    /// </summary>
    [Test]
    public void ASearchOfAUserSpaceTrainsExportsAndPredictsAsTheEngine()
    {
        using var temp = new TempFolder();
        string runs = temp.Folder("runs");
        Assert.That(CliApp.Run(TinyCommands.Search(runs, 4, "--ops", string.Join(",", OpsWithSepConv7x7), "--nodes", "3", "--seed", "2")), Is.EqualTo(CliApp.Success));
        var run = new RunFolder(TinyCommands.RunIn(runs)!);

        var genotype = Genotype.Load(run.Genotype);
        Assert.That(genotype.Space, Is.EqualTo(ThreeNodesWithSepConv7x7));
        Assert.That(genotype.Normal, Has.Count.EqualTo(6));
        Assert.That(genotype.Normal.Concat(genotype.Reduce).Select(t => t.Op), Does.Contain(Primitives.SepConv7x7), "the export below covers the new primitive");
        Assert.That(JsonNode.Parse(File.ReadAllText(run.Genotype))!["normal_concat"]!.AsArray().Select(n => n!.GetValue<int>()), Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(OptionsFile.Read(run.Options).Space, Is.EqualTo(ThreeNodesWithSepConv7x7));
        Assert.That(PriorJson.Load(Path.Combine(run.Path, "pi.json")).Space, Is.EqualTo(ThreeNodesWithSepConv7x7));

        string trained = temp["trained"];
        Assert.That(CliApp.Run(TinyCommands.Train(trained, 1, "--genotype", run.Genotype)), Is.EqualTo(CliApp.Success));
        string onnx = temp["model.onnx"];
        Assert.That(CliApp.Run(["export", trained, "--onnx", onnx]), Is.EqualTo(CliApp.Success));

        string images = PredictTests.WriteImages(temp.Folder("images"));
        string[] good = [Path.Combine(images, "a.png"), Path.Combine(images, "c.png")];
        var logits = new[] { trained, onnx }.Select(model =>
        {
            string csv = temp[$"{Path.GetFileName(model)}.csv"];
            Assert.That(CliApp.Run(["predict", model, .. good, "--logits", "--backend", "cpu", "--out", csv]), Is.EqualTo(CliApp.Success));
            var header = File.ReadAllLines(csv)[0].Split(',');
            var columns = Enumerable.Range(0, header.Length).Where(c => header[c].StartsWith("logit_", StringComparison.Ordinal)).ToArray();
            return File.ReadAllLines(csv).Skip(1).Select(line => columns.Select(c => double.Parse(line.Split(',')[c], CultureInfo.InvariantCulture)).ToArray()).ToArray();
        }).ToArray();
        Assert.That(logits[0], Has.Length.EqualTo(2));
        for (int i = 0; i < logits[0].Length; i++)
            Assert.That(logits[1][i], Is.EqualTo(logits[0][i]).Within(1e-3), "the engine and ONNX Runtime give the same logits");
    }

    [Test]
    public void ASpaceFileNamesTheSpaceAndIsRecordedInOptionsJson()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["space.json"], """{"ops": ["sep_conv_3x3", "dil_conv_7x7", "skip_connect"], "nodes": 2}""");
        string runs = temp.Folder("runs");
        Assert.That(CliApp.Run(TinyCommands.Search(runs, 2, "--space", temp["space.json"])), Is.EqualTo(CliApp.Success));
        var run = new RunFolder(TinyCommands.RunIn(runs)!);
        var expected = new SearchSpace([Primitives.SepConv3x3, Primitives.DilConv7x7, Primitives.SkipConnect], 2);
        Assert.That(OptionsFile.Read(run.Options).Space, Is.EqualTo(expected));
        Assert.That(Genotype.Load(run.Genotype).Space, Is.EqualTo(expected));
        Assert.That(JsonNode.Parse(File.ReadAllText(run.Options))!["space"]!.ToJsonString(), Is.EqualTo("""{"ops":["sep_conv_3x3","dil_conv_7x7","skip_connect"],"nodes":2}"""));

        // Its options.json replays as a --config file, the space included.
        var (code, output) = CapturedCli.Check("search", "--config", run.Options);
        Assert.That(code, Is.EqualTo(CliApp.Success), output);
        File.WriteAllText(temp["other.json"], File.ReadAllText(run.Options).Replace("\"nodes\": 2", "\"nodes\": 8"));
        (code, output) = CapturedCli.Check("search", "--config", temp["other.json"]);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain("--nodes"));
    }

    /// <summary>Genotypes, pi and options written before spaces were chosen have no space field: they are DARTS'.</summary>
    [Test]
    public void FilesWithoutASpaceReadAsDarts()
    {
        string genotype = PublishedGenotypes.DartsV2.ToJson();
        Assert.That(JsonNode.Parse(genotype)!.AsObject().ContainsKey("space"), Is.False, "DARTS' genotypes are written as before");
        Assert.That(Genotype.FromJson(genotype).Space, Is.EqualTo(SearchSpace.Darts));

        var pi = JsonNode.Parse(PriorJson.ToJson(new ArchitecturePrior(TermInputs.DistinctPerNode)))!.AsObject();
        Assert.That(pi.ContainsKey("nodes"), Is.False, "DARTS' pi is written as before");
        Assert.That(PriorJson.FromJson(pi.ToJsonString()).Space, Is.EqualTo(SearchSpace.Darts));

        using var temp = new TempFolder();
        OptionsFile.Write(temp["options.json"], new SearchOptions(), "cpu", Parsec.Autodiff.Precision.Fp32);
        Assert.That(JsonNode.Parse(File.ReadAllText(temp["options.json"]))!.AsObject().ContainsKey("space"), Is.False);
        Assert.That(OptionsFile.Read(temp["options.json"]).Space, Is.EqualTo(SearchSpace.Darts));
    }

    [Test]
    public void AUserSpacesGenotypeAndPiRoundTripWithTheirSpace()
    {
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode, ThreeNodesWithSepConv7x7);
        Assert.That(prior.Logits, Has.Length.EqualTo(2 * (2 + 2 + 3 + 3 + 4 + 4 + 6 * 8)));
        var genotype = prior.Sample(new Parsec.Autodiff.Rng(3)).ToGenotype();
        var parsed = Genotype.FromJson(genotype.ToJson());
        Assert.That(parsed.Space, Is.EqualTo(ThreeNodesWithSepConv7x7));
        Assert.That(parsed.Normal.Concat(parsed.Reduce), Is.EqualTo(genotype.Normal.Concat(genotype.Reduce)));
        var read = PriorJson.FromJson(PriorJson.ToJson(prior));
        Assert.That(read.Space, Is.EqualTo(ThreeNodesWithSepConv7x7));
        Assert.That(read.Logits, Is.EqualTo(prior.Logits));
    }

    /// <summary>A pi of 3-node cells given to a search of DARTS' space, and a run folder whose pi.json is of another space than its options.json.</summary>
    [Test]
    public void APiOfAnotherSpaceIsRefusedNamingBothSpaces()
    {
        using var temp = new TempFolder();
        PriorJson.Save(new ArchitecturePrior(TermInputs.DistinctPerNode, ThreeNodesWithSepConv7x7), temp["pi.json"]);
        var (code, output) = CapturedCli.Run(TinyCommands.Search(temp.Folder("runs"), 2, "--prior-from", temp["pi.json"]));
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain($"belongs to the search space {ThreeNodesWithSepConv7x7}, not to this run's {SearchSpace.Darts}"));

        string run = temp.Folder("run");
        File.Copy(temp["pi.json"], Path.Combine(run, "pi.json"));
        OptionsFile.Write(Path.Combine(run, "options.json"), new SearchOptions(), "cpu", Parsec.Autodiff.Precision.Fp32);
        (code, output) = CapturedCli.Run("derive", run);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain("3 nodes per cell").And.Contain("DARTS ["));
    }

    [Test]
    public void AGenotypeOfAnotherSpaceIsRefusedByAStudyOfDartsSpace()
    {
        using var temp = new TempFolder();
        PriorJson.Save(new ArchitecturePrior(TermInputs.DistinctPerNode, ThreeNodesWithSepConv7x7), temp["pi.json"]);
        var (code, output) = CapturedCli.Run("study", "--search", temp["pi.json"], "--out", temp["study"], "--dataset", "textures", "--image-size", "8",
            "--train-count", "64", "--random", "1", "--seeds", "1", "--no-published", "--backend", "cpu");
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain($"belongs to the search space {ThreeNodesWithSepConv7x7}, not to this run's {SearchSpace.Darts}"));
    }

    /// <summary>The random baseline is drawn from the study's space; DARTS_V2, of another space, is trained but not estimated by the search.</summary>
    [Test]
    public void AStudyOfAUserSpaceDrawsItsRandomGenotypesThereAndEstimatesOnlyThose()
    {
        using var temp = new TempFolder();
        var tiny = Parsec.Tests.Study.StudyTests.Tiny();
        var options = tiny with { Search = tiny.Search with { Space = ThreeNodesWithSepConv7x7 }, Seeds = 1 };
        using (var backend = new Parsec.Autodiff.Cpu.CpuBackend()) Parsec.Search.Study.StudyRunner.Start(options, temp["study"], backend);
        var folder = new Parsec.Search.Study.StudyFolder(temp["study"]);

        var genotypes = Parsec.Search.Study.StudyGenotype.Load(folder.Genotypes);
        Assert.That(genotypes.Select(g => g.Name), Is.EqualTo(new[] { "searched", "random-1", "random-2", "DARTS_V2" }));
        Assert.That(genotypes.Take(3).Select(g => g.Genotype.Space), Has.All.EqualTo(ThreeNodesWithSepConv7x7));
        var estimates = Parsec.Search.Study.SearchEstimates.Load(folder.Estimates).Single().Genotypes;
        Assert.That(estimates.Take(3), Has.All.Matches<Parsec.Search.Study.GenotypeEstimate>(g => g.ValidationAccuracy is >= 0 and <= 1 && g.LogProbability < 0));
        Assert.That(estimates[3], Is.EqualTo(new Parsec.Search.Study.GenotypeEstimate("DARTS_V2", null, null, null)));
    }

    [TestCase("--ops", "sep_conv_3x3,conv_9x9", "--ops: unknown operation 'conv_9x9'")]
    [TestCase("--ops", "sep_conv_3x3,skip_connect,sep_conv_3x3", "--ops: 'sep_conv_3x3' is listed twice")]
    [TestCase("--ops", "sep_conv_3x3", "--ops: 1 operation; a space needs at least 2")]
    [TestCase("--nodes", "7", "--nodes")]
    [TestCase("--nodes", "1", "--nodes")]
    public void BadSpaceFlagsAreRefusedByName(string flag, string value, string message)
    {
        foreach (string command in new[] { "search", "study" })
        {
            var (code, output) = CapturedCli.Check(command, flag, value);
            Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
            Assert.That(output, Does.Contain(message), command);
        }
    }

    [TestCase("""{"ops": ["sep_conv_3x3", "max_pool_3x3"], "nodes": 9}""", "'nodes': 9 intermediate nodes per cell; expected 2 to 6")]
    [TestCase("""{"ops": ["sep_conv_3x3", "sep_conv_9x9"], "nodes": 3}""", "'ops': unknown operation 'sep_conv_9x9'")]
    [TestCase("""{"ops": "sep_conv_3x3", "nodes": 3}""", "'ops' must be a list of operation names")]
    [TestCase("""{"ops": ["sep_conv_3x3", "max_pool_3x3"], "nodes": 3, "edges": 4}""", "unknown field 'edges'")]
    public void ABadSpaceFileIsRefusedNamingFileAndField(string json, string message)
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp["space.json"], json);
        var (code, output) = CapturedCli.Check("search", "--space", temp["space.json"]);
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput), output);
        Assert.That(output, Does.Contain($"--space {temp["space.json"]}").And.Contain(message));
        (code, output) = CapturedCli.Check("search", "--space", temp["space.json"], "--nodes", "3");
        Assert.That(output, Does.Contain("give it or --ops and --nodes, not both"));
    }
}
