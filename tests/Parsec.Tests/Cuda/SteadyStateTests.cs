using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Whole training steps through the tape on the GPU: the same losses as the CPU, no driver allocation after the
/// first step, later steps placed by the arena's lifetime plan, and the footprint report printed.
/// </summary>
[TestFixture]
[Category("Device")]
public class SteadyStateTests : DeviceTestBase
{
    private sealed class TinyNet(IBackend b)
    {
        public readonly Tensor Stem = Init(b, Parameters.Create(b, "stem", [16, 3, 3, 3], DType.Float32), 1, 0.3);
        public readonly Tensor Gamma = Fill(b, Parameters.Create(b, "gamma", [16], DType.Float32), 1);
        public readonly Tensor Beta = Parameters.Create(b, "beta", [16], DType.Float32);
        public readonly Tensor RunMean = Tensor.Zeros(b, [16], DType.Float32, BufferCategory.Weights, "run_mean");
        public readonly Tensor RunVar = Fill(b, Tensor.Zeros(b, [16], DType.Float32, BufferCategory.Weights, "run_var"), 1);
        public readonly Tensor Depthwise = Init(b, Parameters.Create(b, "dw", [16, 1, 3, 3], DType.Float32), 2, 0.3);
        public readonly Tensor Pointwise = Init(b, Parameters.Create(b, "pw", [32, 16, 1, 1], DType.Float32), 3, 0.2);
        public readonly Tensor Fc = Init(b, Parameters.Create(b, "fc", [10, 32], DType.Float32), 4, 0.2);
        public readonly Tensor FcBias = Parameters.Create(b, "fc_bias", [10], DType.Float32);
        public readonly Tensor[] Momentum = new Tensor[6];

        public Tensor[] Trainable => [Stem, Gamma, Beta, Depthwise, Pointwise, Fc];

        public double Step(Tape tape, float[] input, int[] labels)
        {
            var x = Tensor.FromArray(b, input, [8, 3, 16, 16]);
            var y = Tensor.FromLabels(b, labels);
            var h = tape.Conv2d(x, Stem, padding: 1);
            h = tape.BatchNorm2d(h, Gamma, Beta, RunMean, RunVar, NormMode.Training);
            h = tape.Relu(h);
            h = tape.MaxPool3x3(h, 2);
            var skip = h;
            h = tape.Conv2d(h, Depthwise, padding: 2, dilation: 2, groups: 16);
            h = tape.Add(h, skip);
            h = tape.AvgPool3x3(h, 1);
            h = tape.Conv2d(h, Pointwise);
            h = tape.Relu(h);
            var logits = tape.Linear(tape.GlobalAvgPool(h), Fc, FcBias);
            var ce = tape.SoftmaxCrossEntropy(logits, y);
            double loss = ce.Loss.Item();
            tape.Backward(ce.Loss);
            var all = Trainable.Append(FcBias).ToArray();
            for (int i = 0; i < Trainable.Length; i++)
            {
                Momentum[i] ??= Tensor.Zeros(b, Trainable[i].Shape, DType.Float32, BufferCategory.OptimizerState);
                b.SgdUpdate(new SgdUpdateArgs(Trainable[i].Storage, Trainable[i].Grad!.Storage, Momentum[i].Storage, new SgdStep(0.05, 0.9, 3e-4)));
            }
            foreach (var p in all) Parameters.ZeroGrad(p);
            // Inputs are per-step buffers: released before the step ends so the arena sees a complete step.
            x.Dispose();
            y.Dispose();
            tape.Reset();
            return loss;
        }

        private static Tensor Init(IBackend b, Tensor t, int seed, double scale)
        {
            b.CopyIn(t.Storage, Random(seed, t.Length, scale));
            return t;
        }

        private static Tensor Fill(IBackend b, Tensor t, double v)
        {
            b.Fill(t.Storage, v);
            return t;
        }
    }

    [Test]
    public void StepsMatchTheCpuAndAllocateNothingAfterTheFirst()
    {
        var input = Random(50, 8 * 3 * 16 * 16);
        int[] labels = [0, 1, 2, 3, 4, 5, 6, 7];
        var cpuNet = new TinyNet(Cpu);
        var gpuNet = new TinyNet(Gpu);
        var cpuTape = new Tape(Cpu);
        var gpuTape = new Tape(Gpu);
        long allocationsAfterFirst = 0;
        const int steps = 12;
        for (int step = 0; step < steps; step++)
        {
            double gpuLoss = gpuNet.Step(gpuTape, input, labels);
            if (step == 0) allocationsAfterFirst = DeviceMemoryCounters.DeviceAllocations;
            if (step < 4)
            {
                double cpuLoss = cpuNet.Step(cpuTape, input, labels);
                Assert.That(Math.Abs(gpuLoss - cpuLoss) / Math.Abs(cpuLoss), Is.LessThan(Tolerance), $"loss at step {step}: GPU {gpuLoss} vs CPU {cpuLoss}");
            }
        }
        var footprint = Gpu.Footprint();
        TestContext.Out.WriteLine(footprint.ToString());
        TestContext.Out.WriteLine($"arena high-water marks: persistent {footprint.PersistentHighWaterBytes} bytes, per-step {footprint.PerStepHighWaterBytes} bytes");
        Assert.That(DeviceMemoryCounters.DeviceAllocations, Is.EqualTo(allocationsAfterFirst), "cuMemAlloc after the first step");
        Assert.That(footprint.PlannedSteps, Is.GreaterThanOrEqualTo(steps - 4), "steady-state steps placed by the lifetime plan");
        Assert.That(footprint.PerStepUsedBytes, Is.EqualTo(0), "every per-step buffer returned");
        Assert.That(Gpu.Memory.LivePerStepBytes, Is.EqualTo(0));
    }

    [Test]
    public void InfoDescribesTheDevice()
    {
        var info = Gpu.Info();
        TestContext.Out.WriteLine(info.ToString());
        Assert.That(info.DeviceName, Is.Not.Empty);
        Assert.That(info.ComputeCapabilityMajor, Is.GreaterThanOrEqualTo(7));
        Assert.That(info.MultiprocessorCount, Is.GreaterThan(0));
        Assert.That(info.CudnnVersion, Does.StartWith("9."));
        Assert.That(Gpu.Kind, Is.EqualTo(BackendKind.Cuda));
        Assert.Throws<NotSupportedException>(() => Gpu.Allocate(4, DType.Float64, BufferCategory.Activations));
    }
}
