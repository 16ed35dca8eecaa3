using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Bench;
using Parsec.Search.Cli;
using Parsec.Tests.Data;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Bench;

/// <summary>
/// `parsec bench` says what it measured: PyTorch's time only when it ran PyTorch beside Parsec, otherwise the
/// stored figures labelled as measured elsewhere. Nothing printed names a path outside the repository.
/// </summary>
[TestFixture]
[NonParallelizable] // captures the shared console
internal class BenchCommandTests
{
    private static readonly string[] OneQuickStep = ["bench", "--backend", "cpu", "--steps", "1", "--warmup", "0"];

    [Test]
    public void WithoutPyTorchTheStoredFiguresAreShownAsNotMeasuredHereWithDateMachineAndSoftware()
    {
        using var console = new ConsoleCapture();
        Assert.That(CliApp.Run([.. OneQuickStep, "--no-pytorch"]), Is.EqualTo(CliApp.Success));
        string text = console.Text;
        Assert.That(text, Does.Contain("NOT measured here").And.Contain("no ratio"));
        Assert.That(text, Does.Not.Contain("time ratio"));
        foreach (var m in StoredReference.For(BenchmarkCase.Cpu.Name)!.Measurements)
            Assert.That(text, Does.Contain(m.Date).And.Contain(m.Machine).And.Contain(m.Software).And.Contain(StoredMeasurement.Range(m.MedianMs)));
        Assert.That(text, Does.Not.Contain("shared/").And.Not.Contain("anchors"));
    }

    [Test]
    public void APythonThatRunsTheReferenceGivesBothMediansAndTheirRatio()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("the stand-in interpreter is a shell script");
        using var temp = new TempFolder();
        // A stand-in interpreter: it answers the torch probe and prints a result line as the script does.
        string python = StandInPython.Write(temp["python3"], medianMs: 123.5, minMs: 100.0, before: "echo \"torch loading\"");

        using var console = new ConsoleCapture();
        Assert.That(CliApp.Run([.. OneQuickStep, "--python", python]), Is.EqualTo(CliApp.Success));
        string text = console.Text;
        Assert.That(text, Does.Contain("PyTorch 9.9.9 (cpu, 2 threads)").And.Contain("123.5"));
        Assert.That(text, Does.Match(@"time ratio parsec / PyTorch, measured here in this run( \(see the warning\))?: \d+\.\d\dx"));
        Assert.That(text, Does.Not.Contain("NOT measured here").And.Not.Contain("parameter counts"), "the stand-in reports the network's own parameter count");
    }

    [Test]
    public void APythonWithoutTorchIsAUsageErrorNamingIt()
    {
        using var temp = new TempFolder();
        Assert.That(CliApp.Run([.. OneQuickStep, "--python", temp["no-python"]]), Is.EqualTo(CliApp.UsageError));
        Assert.That(CliApp.Run([.. OneQuickStep, "--python", temp["no-python"], "--no-pytorch"]), Is.EqualTo(CliApp.UsageError));
    }

    [Test]
    public void EveryStoredReferenceFileIsInTheProgramWithItsProvenance()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot.Find(), "bench", "reference"), "*.json");
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(3));
        foreach (string file in files)
        {
            var stored = StoredReference.For(Path.GetFileNameWithoutExtension(file));
            Assert.That(stored, Is.Not.Null, file);
            Assert.That(stored!.Measurements, Is.Not.Empty, file);
            Assert.That(stored.Measurements.All(m => m.Date.Length == 10 && m.Machine != "" && m.Software != "" && m.MedianMs[0] > 0), Is.True, file);
        }
        Assert.That(StoredReference.For(BenchmarkCase.Cpu.Name), Is.Not.Null);
        Assert.That(StoredReference.For(BenchmarkCase.Gpu.Name), Is.Not.Null);
        Assert.That(StoredReference.For(BenchmarkCase.Eval.Name), Is.Not.Null);
    }

    [Test]
    public void MemoryNamesNoPathOutsideTheRepository()
    {
        using var console = new ConsoleCapture();
        Assert.That(CliApp.Run(["memory", "--samples", "1"]), Is.EqualTo(CliApp.Success));
        Assert.That(console.Text, Does.Contain("not measured here").And.Not.Contain("shared/").And.Not.Contain("anchors"));
    }

    public static IEnumerable<TestCaseData> TinyCases()
    {
        yield return new TestCaseData(new BenchmarkCase("tiny", Channels: 4, Layers: 3, BatchSize: 4, ImageSize: 8, Steps: 2, Warmup: 1)).SetName("Sampled");
        // The auxiliary head needs the 8x8 features of 32x32 images.
        yield return new TestCaseData(new BenchmarkCase("tiny_eval", Channels: 4, Layers: 3, BatchSize: 4, ImageSize: 32, Steps: 2, Warmup: 1)
            { Evaluation = true, Auxiliary = true, DropPath = 0.2 }).SetName("Evaluation");
    }

    /// <summary>The reference script builds the very network Parsec's benchmark times: the parameter counts agree.</summary>
    [TestCaseSource(nameof(TinyCases))]
    public void ThePyTorchReferenceTimesTheSameNetwork(BenchmarkCase tiny)
    {
        string? python = PyTorchReference.FindPython(null, out string why);
        if (python is null) Assert.Ignore(why);
        var torch = PyTorchReference.Run(python, tiny, "cpu", threads: 2, TimeSpan.FromMinutes(5));
        using var backend = new CpuBackend();
        var parsec = StepBenchmark.Run(backend, tiny);
        Assert.That(torch.Parameters, Is.EqualTo(parsec.Parameters));
        Assert.That(torch.MedianMs, Is.GreaterThan(0));
        Assert.That(torch.FirstStepMs, Is.GreaterThan(0));
        Assert.That(torch.Device, Is.EqualTo("cpu"));
        Assert.That(parsec.FirstStepMs, Is.GreaterThan(0));
    }

    [Test]
    public void TheEvaluationCasesAreParsecTrainsNetworkAtTheirSizes()
    {
        Assert.That(BenchmarkCase.Eval, Is.EqualTo(new BenchmarkCase("eval_dartsv2_C36_L20", 36, 20, 96, 32, 30, 8) { Evaluation = true, Auxiliary = true, DropPath = 0.2 }));
        Assert.That(BenchmarkCase.EvalCpu, Is.EqualTo(new BenchmarkCase("cpu_eval_dartsv2_C16_L8_B64", 16, 8, 64, 32, 8, 3) { Evaluation = true }));
        using var console = new ConsoleCapture();
        // One step of a tiny stand-in would not show the choice; the case line names what --case evalcpu runs.
        Assert.That(CliApp.Run(["bench", "--backend", "cpu", "--case", "evalcpu", "--steps", "1", "--warmup", "0", "--no-pytorch"]), Is.EqualTo(CliApp.Success));
        Assert.That(console.Text, Does.Contain("case cpu_eval_dartsv2_C16_L8_B64: DARTS_V2 evaluation network").And.Contain("first step"));
    }

    /// <summary>
    /// A whole iteration on both sides: Parsec's through the search session (K samples, architectures per second from
    /// the median), PyTorch's through the script's --samples mode on the same network.
    /// </summary>
    [Test]
    public void TheIterationBenchmarkTimesSearchIterationsBesidePyTorchsOnTheSameNetwork()
    {
        var tiny = new IterationCase("tiny", Samples: 3, Channels: 4, Layers: 3, BatchSize: 4, ImageSize: 8, Iterations: 3, Warmup: 1);
        using var backend = new CpuBackend();
        var parsec = IterationBenchmark.Run(backend, tiny);
        Assert.That(parsec.IterationsMs, Has.Count.EqualTo(3));
        Assert.That(parsec.MedianMs, Is.EqualTo(parsec.IterationsMs.Order().ElementAt(1)));
        Assert.That(parsec.ArchitecturesPerSecond, Is.EqualTo(3 / (parsec.MedianMs / 1000)).Within(1e-9));
        Assert.That(parsec.PeakMib, Is.GreaterThan(0));
        Assert.That(parsec.LaunchesPerIteration, Is.Null, "launches are counted on CUDA only");

        string? python = PyTorchReference.FindPython(null, out string why);
        if (python is null) Assert.Ignore(why);
        var torch = PyTorchReference.Run(python, tiny, "cpu", threads: 2, TimeSpan.FromMinutes(5));
        var step = StepBenchmark.Run(backend, new BenchmarkCase("tiny", tiny.Channels, tiny.Layers, tiny.BatchSize, tiny.ImageSize, 1, 0));
        Assert.That(torch.Parameters, Is.EqualTo(step.Parameters));
        Assert.That(torch.MedianMs, Is.GreaterThan(0));
    }
}
