using Parsec.Search;
using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Files;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Search.RunFiles;

namespace Parsec.Tests.Training;

[TestFixture]
public class EvaluationRunTests
{
    /// <summary>A network and data small enough to train in seconds on two cores, large enough to beat chance.</summary>
    internal static EvaluationOptions Tiny(int epochs) => new()
    {
        Channels = 8, Layers = 3, BatchSize = 32, Epochs = epochs, LearningRate = 0.05, Auxiliary = false,
        Cutout = 0, CropPadding = 1, DropPath = 0.2, Seed = 1, Prefetch = 2,
    };

    /// <summary>The generated textures at 8x8: 10 classes, chance 0.1.</summary>
    internal static readonly DatasetSpec TinyData = new(DatasetSplitsLoader.DefaultDataset, ImageSize: 8, TrainCount: 256, TestCount: 100, Seed: 2);

    internal static EvaluationResult Train(string folder, EvaluationOptions options, DatasetSpec spec, Genotype? genotype = null)
    {
        using var backend = new CpuBackend();
        using var run = EvaluationRun.Start(backend, folder, genotype ?? PublishedGenotypes.DartsV2, options, spec, DatasetSplitsLoader.Load(spec));
        return run.Train();
    }

    [Test]
    public void AResumedRunEndsWithExactlyTheWeightsOfAnUninterruptedOne()
    {
        using var temp = new TempFolder();
        var options = Tiny(2) with { Cutout = 4 };
        var spec = TinyData with { TrainCount = 96, TestCount = 32 };
        Train(temp["straight"], options, spec);

        using (var backend = new CpuBackend())
        using (var run = EvaluationRun.Start(backend, temp["interrupted"], PublishedGenotypes.DartsV2, options, spec, DatasetSplitsLoader.Load(spec)))
        {
            using var stop = new CancellationTokenSource();
            Assert.That(() => run.Train(_ => stop.Cancel(), stop.Token), Throws.InstanceOf<OperationCanceledException>());
        }
        // A half-written line, as a crash during the next epoch could leave, is dropped on resume.
        File.AppendAllText(temp[$"interrupted/{MetricsFile.FileName}"], "{\"epoch\": 2, \"lr\"");
        using (var backend = new CpuBackend())
        using (var run = EvaluationRun.Resume(backend, temp["interrupted"]))
        {
            Assert.That(run.EpochsCompleted, Is.EqualTo(1));
            run.Train();
        }

        var expected = SafeTensorsReader.ReadFile(temp[$"straight/{EvaluationCheckpoint.WeightsFileName}"]);
        var actual = SafeTensorsReader.ReadFile(temp[$"interrupted/{EvaluationCheckpoint.WeightsFileName}"]);
        Assert.That(actual.Tensors.Select(t => t.Name), Is.EqualTo(expected.Tensors.Select(t => t.Name)));
        foreach (var t in expected.Tensors)
            Assert.That(actual.Get(t.Name).Data, Is.EqualTo(t.Data), t.Name);
        Assert.That(File.ReadAllBytes(temp[$"interrupted/{EvaluationCheckpoint.WeightsFileName}"]),
            Is.EqualTo(File.ReadAllBytes(temp[$"straight/{EvaluationCheckpoint.WeightsFileName}"])), "the weights file, metadata included, is byte-identical");
        var straight = MetricsFile.Read(temp[$"straight/{MetricsFile.FileName}"]);
        var resumed = MetricsFile.Read(temp[$"interrupted/{MetricsFile.FileName}"]);
        Assert.That(resumed.Series(MetricsFile.TrainLoss).Y, Is.EqualTo(straight.Series(MetricsFile.TrainLoss).Y));
        Assert.That(resumed.Series(MetricsFile.TestAcc).Y, Is.EqualTo(straight.Series(MetricsFile.TestAcc).Y));
    }

    [Test]
    public void TheAuxiliaryHeadTrainsOn32PixelImages()
    {
        using var temp = new TempFolder();
        var options = Tiny(1) with { Channels = 4, Auxiliary = true, AuxiliaryWeight = 0.4, Cutout = 16, CropPadding = 4, BatchSize = 16 };
        // DARTS' auxiliary head expects the 8x8 features of 32x32 inputs.
        var result = Train(temp.Path, options, TinyData with { ImageSize = 32, TrainCount = 32, TestCount = 16 });
        Assert.That(double.IsFinite(result.TestLoss), Is.True);
        var weights = SafeTensorsReader.ReadFile(result.WeightsPath);
        Assert.That(weights.Tensors.Select(t => t.Name), Does.Contain("auxiliary_head.classifier.weight"));
    }

    [Test]
    public void MisuseIsExplained()
    {
        using var temp = new TempFolder();
        var spec = TinyData with { TrainCount = 64, TestCount = 32 };
        Train(temp.Path, Tiny(1), spec);
        using var backend = new CpuBackend();
        Assert.That(() => EvaluationRun.Start(backend, temp.Path, PublishedGenotypes.DartsV1, Tiny(1), spec, DatasetSplitsLoader.Load(spec)),
            Throws.TypeOf<BadInputException>().With.Message.Contains("--resume"));
        Assert.That(() => EvaluationRun.Resume(backend, temp["nothing-here"]), Throws.TypeOf<BadInputException>());
        using (var finished = EvaluationRun.Resume(backend, temp.Path))
            Assert.That(finished.EpochsCompleted, Is.EqualTo(1), "a finished run can be reopened (e.g. to rewrite its weights)");
        var other = DatasetSplitsLoader.Load(spec with { ImageSize = 12 });
        Assert.That(() => WeightsEvaluation.Evaluate(backend, temp.Path, other),
            Throws.TypeOf<BadInputException>().With.Message.Contains("do not fit"));
        Assert.That(() => Tiny(1) with { BatchSize = 1 } is var o && Validate(o), Throws.TypeOf<BadInputException>().With.Message.Contains("--batch-size"));
    }

    private static bool Validate(EvaluationOptions o)
    {
        o.Validate();
        return true;
    }
}
