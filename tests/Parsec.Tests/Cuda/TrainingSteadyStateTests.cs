using NUnit.Framework;
using Parsec.Autodiff.Cuda;
using Parsec.Search.Data.Files;
using Parsec.Search.Training;
using Parsec.Tests.Data;
using Parsec.Tests.Training;

namespace Parsec.Tests.Cuda;

/// <summary>
/// `parsec train` on the GPU: after its first epoch (every shape seen, every convolution algorithm chosen) it asks
/// the driver for no more memory, with the auxiliary head, drop path and gradient clipping all in the step; and it
/// learns as the CPU run of the same options does.
/// </summary>
[TestFixture]
[Category("Device")]
public class TrainingSteadyStateTests : DeviceTestBase
{
    [Test]
    public void EpochsAfterTheFirstAllocateNothingOnTheDevice()
    {
        using var temp = new TempFolder();
        var spec = EvaluationRunTests.TinyData with { ImageSize = 32 }; // the auxiliary head needs 21- to 40-pixel images
        var options = EvaluationRunTests.Tiny(epochs: 3) with { Auxiliary = true };
        long? afterFirstEpoch = null;
        using var run = EvaluationRun.Start(Gpu, temp["gpu"], PublishedGenotypes.DartsV2, options, spec, DatasetSplitsLoader.Load(spec));
        var result = run.Train(m =>
        {
            if (m.Epoch == 1) afterFirstEpoch = CudaBackend.DeviceAllocationCount;
        });
        Assert.That(afterFirstEpoch, Is.Not.Null);
        Assert.That(CudaBackend.DeviceAllocationCount, Is.EqualTo(afterFirstEpoch), "cuMemAlloc after the first epoch");
        Assert.That(double.IsFinite(result.TestLoss), Is.True);
        Assert.That(result.TestLoss, Is.LessThan(Math.Log(10)), "it learned: below a uniform guess over 10 classes");
    }
}
