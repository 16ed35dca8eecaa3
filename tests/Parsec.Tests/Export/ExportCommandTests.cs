using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Cli;
using Parsec.Search.Predict;
using Parsec.Search.Training;
using Parsec.Tests.Data;

namespace Parsec.Tests.Export;

/// <summary>`parsec export` on a weights file as `parsec train` writes it: the model ONNX Runtime loads computes the network's logits.</summary>
[TestFixture]
public class ExportCommandTests
{
    [Test]
    public void ExportsAWeightsFileOrItsRunFolderThroughTheCommandLine()
    {
        using var temp = new TempFolder();
        using var backend = new CpuBackend();
        var genotype = OnnxParityTests.EveryPrimitiveBothStrides;
        var options = ExportFixtures.Options(4, 3);
        using var network = ExportFixtures.RandomNetwork(backend, genotype, options, classes: 4, seed: 9);
        string run = temp.Folder("run");
        EvaluationCheckpoint.Save(Path.Combine(run, EvaluationCheckpoint.WeightsFileName), network, null, ExportFixtures.Record(genotype, options, 4, 8));

        Assert.That(CliApp.Run(["export", run, "--onnx", temp["model.onnx"]]), Is.EqualTo(CliApp.Success));
        using var exported = OnnxClassifier.Load(temp["model.onnx"]);
        var images = ExportFixtures.RandomImages(3, 8, seed: 4);
        var expected = ExportFixtures.ParsecLogits(network, images, 3, 8);
        Assert.That(ExportFixtures.MaxRelativeDifference(exported.Logits(images, 3), expected, 4), Is.LessThan(1e-4));
        Assert.That(exported.Info.ClassNames, Is.EqualTo(new[] { "class_0", "class_1", "class_2", "class_3" }));
        Assert.That(Directory.GetFiles(temp.Path, "*.tmp*"), Is.Empty, "no temporary file is left behind");

        // An existing model is not replaced unless asked to.
        byte[] first = File.ReadAllBytes(temp["model.onnx"]);
        File.WriteAllText(temp["model.onnx"], "an earlier model");
        var (code, output) = Tooling.CapturedCli.Run("export", run, "--onnx", temp["model.onnx"]);
        Assert.That(code, Is.EqualTo(CliApp.UsageError));
        Assert.That(output, Does.Contain("the file exists; give --force"));
        Assert.That(File.ReadAllText(temp["model.onnx"]), Is.EqualTo("an earlier model"));
        Assert.That(CliApp.Run(["export", run, "--onnx", temp["model.onnx"], "--force"]), Is.EqualTo(CliApp.Success));
        Assert.That(File.ReadAllBytes(temp["model.onnx"]), Is.EqualTo(first));
        Assert.That(CliApp.Run(["export", run, "--onnx", temp.Path]), Is.EqualTo(CliApp.UsageError), "a folder is not a model file");
    }

    [Test]
    public void BadArgumentsAreUsageErrors()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run(["export", temp["missing.safetensors"], "--onnx", temp["m.onnx"]]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["export", temp.Path]), Is.EqualTo(CliApp.UsageError), "--onnx is required");
        File.WriteAllText(temp["not-weights.safetensors"], "not a safetensors file");
        Assert.That(CliApp.Run(["export", temp["not-weights.safetensors"], "--onnx", temp["m.onnx"]]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run(["export", temp.Path, "--onnx", temp["no/such/folder/m.onnx"]]), Is.EqualTo(CliApp.UsageError));
        Assert.That(File.Exists(temp["m.onnx"]), Is.False);
    }
}
