using System.Diagnostics;
using Parsec.Autodiff;

namespace Parsec.Search.Bench;

/// <summary>What a benchmark measured. FirstStepMs is the first step's time (shape planning, compilation, allocation included).</summary>
internal sealed record BenchmarkResult(BenchmarkCase Case, string Backend, double MedianMs, double MinMs, double PeakMib, long Parameters,
    IReadOnlyList<double> StepsMs, double FirstStepMs) : IRoundTiming;

/// <summary>
/// Times training steps of a benchmark case on a backend (<see cref="SampledSearchWorkload"/> or
/// <see cref="EvaluationWorkload"/>) on random 3-channel inputs with random labels. The time of a step includes
/// copying the batch to the backend (training does that every step too); the median is over the steps after warm-up.
/// </summary>
internal static class StepBenchmark
{
    public static BenchmarkResult Run(IBackend backend, BenchmarkCase benchmark, Action<int, double>? onStep = null)
    {
        var rng = new Rng(0);
        using IBenchmarkWorkload workload = benchmark.Evaluation
            ? new EvaluationWorkload(backend, benchmark, rng.Fork())
            : new SampledSearchWorkload(backend, benchmark, rng.Fork());
        int[] shape = [benchmark.BatchSize, 3, benchmark.ImageSize, benchmark.ImageSize];
        var images = new float[benchmark.BatchSize * 3 * benchmark.ImageSize * benchmark.ImageSize];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextGaussian();
        var labels = Enumerable.Range(0, benchmark.BatchSize).Select(_ => rng.NextInt(10)).ToArray();
        using var tape = new Tape(backend);

        var times = new List<double>();
        double first = 0;
        for (int step = 0; step < benchmark.Warmup + benchmark.Steps; step++)
        {
            var clock = Stopwatch.StartNew();
            using (var x = Tensor.FromArray(backend, images, shape))
            using (var y = Tensor.FromLabels(backend, labels))
                workload.Step(tape, x, y, rng);
            tape.Reset();
            backend.Synchronize();
            double ms = clock.Elapsed.TotalMilliseconds;
            if (step == 0) first = ms;
            if (step >= benchmark.Warmup) times.Add(ms);
            onStep?.Invoke(step, ms);
        }
        var sorted = times.Order().ToList();
        return new BenchmarkResult(benchmark, backend.Name, sorted[sorted.Count / 2], sorted[0], backend.Memory.PeakBytes / (1024.0 * 1024.0),
            workload.Parameters, times, first);
    }
}
