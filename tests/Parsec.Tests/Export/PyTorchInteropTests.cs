using System.Text.Json;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Bench;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Export;

/// <summary>
/// The loader of docs/interop.md (tools/interop/parsec_to_pytorch.py) rebuilds DARTS' NetworkCIFAR from a
/// weights file's metadata alone, loads the weights strictly, and computes Parsec's logits. Needs a python3
/// with PyTorch (.ci/run installs Debian's python3-torch).
/// </summary>
[TestFixture]
public class PyTorchInteropTests
{
    [Test]
    public void APyTorchNetworkCifarLoadedWithParsecWeightsGivesParsecsLogits()
    {
        string? python = PyTorchReference.FindPython(null, out string why);
        if (python is null) Assert.Ignore(why);

        using var temp = new TempFolder();
        using var backend = new CpuBackend();
        const int classes = 4, side = 8, batch = 3;
        // Every primitive at both strides, and the auxiliary head (a strict load must account for its weights).
        var genotype = OnnxParityTests.EveryPrimitiveBothStrides;
        var options = ExportFixtures.Options(4, 5);
        using var network = ExportFixtures.RandomNetwork(backend, genotype, options, classes, seed: 31);
        string weights = temp["weights.safetensors"];
        EvaluationCheckpoint.Save(weights, network, null, ExportFixtures.Record(genotype, options, classes, side));

        var images = ExportFixtures.RandomImages(batch, side, seed: 8);
        File.WriteAllText(temp["images.json"], JsonSerializer.Serialize(new { shape = new[] { batch, 3, side, side }, data = images }));
        string script = Path.Combine(RepositoryRoot.Find(), "tools", "interop", "parsec_to_pytorch.py");
        var run = ExternalProgram.Run(python, [script, weights, "--images", temp["images.json"]], TimeSpan.FromMinutes(5));
        Assert.That(run.Succeeded, Is.True, run.Failure ?? run.Stderr);

        var logits = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var expected = ExportFixtures.ParsecLogits(network, images, batch, side);
        Assert.That(logits, Has.Length.EqualTo(expected.Length));
        Assert.That(ExportFixtures.MaxRelativeDifference(logits, expected, classes), Is.LessThan(1e-4));
    }

    [Test]
    public void TheWeightsFileCarriesTheNetworkOptionsAsStructuredMetadata()
    {
        var record = ExportFixtures.Record(PublishedGenotypes.DartsV2, ExportFixtures.Options(6, 5), 7, 16);
        var network = JsonDocument.Parse(record.ToMetadata()[NetworkMetadata.Key]).RootElement;
        Assert.That(network.GetProperty("C").GetInt32(), Is.EqualTo(6));
        Assert.That(network.GetProperty("num_classes").GetInt32(), Is.EqualTo(7));
        Assert.That(network.GetProperty("layers").GetInt32(), Is.EqualTo(5));
        Assert.That(network.GetProperty("auxiliary").GetBoolean(), Is.True);
        Assert.That(network.GetProperty("stem_multiplier").GetInt32(), Is.EqualTo(3));
        Assert.That(network.GetProperty("image_shape").EnumerateArray().Select(d => d.GetInt32()), Is.EqualTo(new[] { 3, 16, 16 }));
        var genotype = JsonDocument.Parse(record.ToMetadata()[TrainingRecord.GenotypeKey]).RootElement;
        Assert.That(genotype.GetProperty("normal_concat").GetArrayLength(), Is.EqualTo(4), "DARTS' Genotype fields");
    }
}
