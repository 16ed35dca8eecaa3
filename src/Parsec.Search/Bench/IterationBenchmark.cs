using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Search.Data.Files;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;

namespace Parsec.Search.Bench;

/// <summary>A whole-iteration benchmark case: K sampled architectures at one network size and batch.</summary>
internal sealed record IterationCase(string Name, int Samples, int Channels, int Layers, int BatchSize, int ImageSize, int Iterations, int Warmup)
{
    /// <summary>search_iteration_K16_C16_L8: the paper's search iteration on a GPU.</summary>
    public static readonly IterationCase Gpu = new("search_iteration_K16_C16_L8", 16, 16, 8, 64, 32, 10, 3);

    /// <summary>cpu_iteration_K4_C8_L5_B32: the same at a size a 2-core CPU times in seconds.</summary>
    public static readonly IterationCase Cpu = new("cpu_iteration_K4_C8_L5_B32", 4, 8, 5, 32, 32, 5, 2);
}

/// <summary>What one iteration benchmark measured.</summary>
internal sealed record IterationResult(IterationCase Case, string Backend, double MedianMs, double MinMs, double ArchitecturesPerSecond, double PeakMib,
    double? LaunchesPerIteration, IReadOnlyList<double> IterationsMs) : IRoundTiming;

/// <summary>
/// Times one PARSEC iteration as the search runs it (<see cref="SearchSession.Step"/>): K architectures sampled
/// from pi, each a forward and backward pass on a batch of the weight half with its gradient joining the
/// importance-weighted sum, one SGD step, then K forwards on a batch of the pi half and one Adam step on pi.
/// No warm-up phase (every timed iteration evaluates pi, as PyTorch's reference iteration does) and every sample
/// trains the weights. Generated 32x32 images; the data are in memory, so the time is the engine's.
/// </summary>
internal static class IterationBenchmark
{
    public static IterationResult Run(IBackend backend, IterationCase c, Action<int, double>? onIteration = null)
    {
        var data = DatasetSplitsLoader.Load(new DatasetSpec(Data.Generated.OrientedTextures.Name, ImageSize: c.ImageSize, TrainCount: 8 * c.BatchSize, TestCount: 2)).Train;
        var options = new SearchOptions
        {
            Channels = c.Channels, Layers = c.Layers, BatchSize = c.BatchSize, Samples = c.Samples, WeightSamples = c.Samples,
            Iterations = c.Warmup + c.Iterations, WarmupFraction = 0, WeightGradient = WeightGradient.Importance,
        };
        using var session = new SearchSession(options, backend, data);
        var times = new List<double>();
        LaunchCounts? launchesBefore = null;
        for (int i = 0; i < c.Warmup + c.Iterations; i++)
        {
            if (i == c.Warmup && backend is CudaBackend cuda) launchesBefore = cuda.Launches;
            var clock = Stopwatch.StartNew();
            session.Step(); // ends with the backend synchronised
            double ms = clock.Elapsed.TotalMilliseconds;
            if (i >= c.Warmup) times.Add(ms);
            onIteration?.Invoke(i, ms);
        }
        double? launches = backend is CudaBackend gpu && launchesBefore is { } before ? (gpu.Launches - before).Total / (double)c.Iterations : null;
        var sorted = times.Order().ToList();
        double median = sorted[sorted.Count / 2];
        return new IterationResult(c, backend.Name, median, sorted[0], c.Samples / (median / 1000), backend.Memory.PeakBytes / (1024.0 * 1024.0), launches, times);
    }
}
