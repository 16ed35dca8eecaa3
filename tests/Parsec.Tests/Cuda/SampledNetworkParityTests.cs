using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Cuda;

/// <summary>
/// A whole sampled DARTS-space network on the GPU against the CPU reference: the loss and every weight gradient
/// of several sampled architectures, and the arena's measured per-step memory next to the tape's lifetime plan.
/// </summary>
[TestFixture]
[Category("Device")]
public class SampledNetworkParityTests : DeviceTestBase
{
    private static readonly NetworkOptions Small = new() { Channels = 8, Layers = 5, Classes = 10 };
    private const int Batch = 8;
    private const int ImageSize = 16;

    /// <summary>A user-defined space of NASNet's larger kernels (sep_conv_7x7, dil_conv_7x7, conv_7x1_1x7) with 3 nodes per cell.</summary>
    private static readonly SearchSpace SevenBySeven = new([Primitives.SepConv7x7, Primitives.DilConv7x7, Primitives.Conv7x1And1x7, Primitives.SkipConnect, Primitives.MaxPool3x3], 3);

    [Test]
    public void LossAndAllWeightGradientsMatchTheCpu([Values(1, 2, 3)] int seed) => CheckStep(SearchSpace.Darts, seed);

    [Test]
    public void AUserSpaceOfSevenBySevenOpsMatchesTheCpu([Values(1, 2)] int seed) => CheckStep(SevenBySeven, seed);

    private void CheckStep(SearchSpace space, int seed)
    {
        var options = Small with { Space = space };
        using var cpuNet = Network.CreateShared(Cpu, options, new Rng(42));
        using var gpuNet = Network.CreateShared(Gpu, options, new Rng(42));
        var architecture = new ArchitecturePrior(space: space).Sample(new Rng((ulong)seed));
        float[] images = Random(seed, (long)Batch * 3 * ImageSize * ImageSize);
        int[] labels = Enumerable.Range(0, Batch).Select(i => (i * 7 + seed) % Small.Classes).ToArray();

        double cpuLoss = Step(Cpu, cpuNet, architecture, images, labels).Loss;
        double gpuLoss = Step(Gpu, gpuNet, architecture, images, labels).Loss;

        Assert.That(gpuLoss, Is.EqualTo(cpuLoss).Within(Tolerance * Math.Abs(cpuLoss)), $"loss of {architecture}");
        int compared = 0;
        for (int i = 0; i < cpuNet.Parameters.Weights.Count; i++)
        {
            var cpuGrad = cpuNet.Parameters.Weights[i].Grad!.ToDoubleArray();
            var gpuGrad = gpuNet.Parameters.Weights[i].Grad!.ToDoubleArray();
            double diff = 0, norm = 0;
            for (int k = 0; k < cpuGrad.Length; k++)
            {
                diff += (gpuGrad[k] - cpuGrad[k]) * (gpuGrad[k] - cpuGrad[k]);
                norm += cpuGrad[k] * cpuGrad[k];
            }
            if (norm == 0)
            {
                // Weights of ops the architecture did not pick get no gradient on either side.
                Assert.That(diff, Is.EqualTo(0), cpuNet.Parameters.Weights[i].Name);
                continue;
            }
            Assert.That(Math.Sqrt(diff / norm), Is.LessThan(Tolerance), $"gradient of {cpuNet.Parameters.Weights[i].Name}");
            compared++;
        }
        Assert.That(compared, Is.GreaterThan(10), "the sampled architecture should put gradients on many weights");
    }

    [Test]
    public void ArenaPerStepPeakMatchesTheLifetimePlan()
    {
        using var net = Network.CreateShared(Gpu, Small, new Rng(7));
        var architecture = new ArchitecturePrior().Sample(new Rng(7));
        float[] images = Random(7, (long)Batch * 3 * ImageSize * ImageSize);
        int[] labels = Enumerable.Range(0, Batch).Select(i => i % Small.Classes).ToArray();
        // The first step of a shape measures cuDNN's algorithms with a large trial workspace; from then on a
        // step needs its buffers plus the chosen algorithms' workspaces. Compare a steady-state step.
        (double Loss, long PlannedBytes, long StepPeakBytes) last = default;
        for (int step = 0; step < 4; step++)
            last = Step(Gpu, net, architecture, images, labels);
        TestContext.Out.WriteLine($"planned per-step bytes {last.PlannedBytes}, arena peak of the last step {last.StepPeakBytes}\n{Gpu.Footprint()}");
        Assert.That(last.StepPeakBytes, Is.GreaterThanOrEqualTo(last.PlannedBytes * 0.9));
        // Alignment and the chosen algorithms' workspaces come on top of the planned buffers.
        Assert.That(last.StepPeakBytes, Is.LessThanOrEqualTo(last.PlannedBytes * 1.5 + (64L << 20)));
    }

    /// <summary>
    /// One training step's forward and backward; returns the loss, the per-step bytes the tape's lifetime plan
    /// needs and, on the GPU, the arena's per-step peak during this step.
    /// </summary>
    private (double Loss, long PlannedBytes, long StepPeakBytes) Step(IBackend backend, Network net, Architecture architecture, float[] images, int[] labels)
    {
        using var tape = new Tape(backend);
        foreach (var w in net.Parameters.Weights) Parameters.ZeroGrad(w);
        using var x = Tensor.FromArray(backend, images, [Batch, 3, ImageSize, ImageSize]);
        using var y = Tensor.FromLabels(backend, labels);
        var output = net.Forward(tape, x, architecture, ForwardMode.Training);
        var ce = tape.SoftmaxCrossEntropy(output.Logits, y);
        double loss = ce.Loss.Item();
        tape.Backward(ce.Loss);
        backend.Synchronize();
        if (backend != Gpu) return (loss, 0, 0);
        return (loss, Gpu.PlannedStepBytes(tape.PlanLifetimes()), Gpu.Footprint().CurrentStepPeakBytes);
    }
}
