using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Search.Model;
using Parsec.Search.Prior;

namespace Parsec.Search.Bench;

/// <summary>
/// A benchmark case: the network and batch of one reference measurement. PyTorch's time for the same case is
/// measured beside it by <see cref="PyTorchReference"/>; figures measured elsewhere are in <see cref="StoredReference"/>.
/// </summary>
public sealed record BenchmarkCase(string Name, int Channels, int Layers, int BatchSize, int ImageSize, int Steps, int Warmup)
{
    /// <summary>
    /// cpu_sampled_C8_L5_B32. More warm-up than the stored references' 2 steps: .NET recompiles hot methods with
    /// full optimisation after their first calls, and each step samples a new architecture, so the first steps
    /// are not representative.
    /// </summary>
    public static readonly BenchmarkCase Cpu = new("cpu_sampled_C8_L5_B32", 8, 5, 32, 32, 20, 8);

    /// <summary>search_sampled_C16_L8, the GPU case.</summary>
    public static readonly BenchmarkCase Gpu = new("search_sampled_C16_L8", 16, 8, 64, 32, 40, 8);
}

/// <summary>What a benchmark measured.</summary>
public sealed record BenchmarkResult(BenchmarkCase Case, string Backend, double MedianMs, double MinMs, double PeakMib, long Parameters, IReadOnlyList<double> StepsMs);

/// <summary>
/// Times the reference script's "sampled" step on a backend: every step draws a new architecture (two
/// distinct inputs per node, uniform ops, as the script does), then forward, cross-entropy, backward and an
/// SGD step (momentum 0.9, weight decay 3e-4) on random 3-channel inputs, with all candidate weights held.
/// The time of a step includes copying the batch to the backend (the search does that per sample too).
/// </summary>
public static class StepBenchmark
{
    public static BenchmarkResult Run(IBackend backend, BenchmarkCase benchmark, Action<int, double>? onStep = null)
    {
        var options = new NetworkOptions { Channels = benchmark.Channels, Layers = benchmark.Layers, Classes = 10 };
        var rng = new Rng(0);
        using var network = Network.CreateShared(backend, options, rng.Fork());
        using var optimizer = new Sgd(network.Parameters.Weights, momentum: 0.9, weightDecay: 3e-4);
        var prior = new ArchitecturePrior(TermInputs.DistinctPerNode);
        int[] shape = [benchmark.BatchSize, 3, benchmark.ImageSize, benchmark.ImageSize];
        var images = new float[benchmark.BatchSize * 3 * benchmark.ImageSize * benchmark.ImageSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, benchmark.BatchSize).Select(_ => rng.NextInt(10)).ToArray();
        using var tape = new Tape(backend);

        var times = new List<double>();
        for (int step = 0; step < benchmark.Warmup + benchmark.Steps; step++)
        {
            var clock = Stopwatch.StartNew();
            using (var x = Tensor.FromArray(backend, images, shape))
            using (var y = Tensor.FromLabels(backend, labels))
            {
                optimizer.ZeroGrad();
                var logits = network.Forward(tape, x, prior.Sample(rng), ForwardMode.Training).Logits;
                tape.Backward(tape.SoftmaxCrossEntropy(logits, y).Loss);
                optimizer.Step(0.025);
            }
            tape.Reset();
            backend.Synchronize();
            double ms = clock.Elapsed.TotalMilliseconds;
            if (step >= benchmark.Warmup) times.Add(ms);
            onStep?.Invoke(step, ms);
        }
        var sorted = times.Order().ToList();
        return new BenchmarkResult(benchmark, backend.Name, sorted[sorted.Count / 2], sorted[0], backend.Memory.PeakBytes / (1024.0 * 1024.0),
            network.Parameters.WeightElementCount, times);
    }
}
