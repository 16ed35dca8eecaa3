using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.Search.Loop;

/// <summary>
/// How many sample workers a search runs (<see cref="SearchOptions.Concurrency"/>). The search's result does not
/// depend on it, only its speed and memory do.
/// </summary>
internal static class SampleConcurrency
{
    /// <summary>
    /// The workers for a request: the number asked for (at most <paramref name="samples"/>, as more would idle), or
    /// <see cref="Automatic"/> when null. More than one on a backend that cannot run concurrent tapes is an error.
    /// </summary>
    /// <param name="perSampleStepBytes">The per-step memory of one sampled step (asked only when a device's memory decides).</param>
    public static int Choose(int? requested, IBackend backend, int samples, Func<long> perSampleStepBytes)
    {
        if (requested is not { } count) return Automatic(backend, samples, perSampleStepBytes);
        if (count < 1) throw new BadInputException($"--concurrency must be >= 1, got {count}");
        if (count > 1 && !backend.SupportsConcurrentTapes)
            throw new BadInputException($"--concurrency {count}: the {backend.Name} backend runs one sample at a time; use 1 or leave it automatic");
        return Math.Min(count, samples);
    }

    /// <summary>
    /// One worker per core on the CPU: kernels already split their larger loops over the cores, and on a 2-core
    /// machine two workers took 0.81-0.99 of one worker's step time, never more (docs/scaling.md); each worker adds
    /// one sampled step's memory. One on a backend that cannot run concurrent tapes: today's CUDA backend queues all
    /// work on one stream through one arena, neither of which is thread-safe. A device backend that can would get as
    /// many workers as its per-step memory holds sampled steps (the memory planner's footprint of one).
    /// </summary>
    public static int Automatic(IBackend backend, int samples, Func<long> perSampleStepBytes)
    {
        if (!backend.SupportsConcurrentTapes) return 1;
        if (backend.Kind == BackendKind.Cpu) return Math.Clamp(Environment.ProcessorCount, 1, samples);
        return backend is CudaBackend cuda ? FitInMemory(cuda.PerStepArenaBytes, perSampleStepBytes(), samples) : 1;
    }

    /// <summary>Workers whose sampled steps fit in <paramref name="freeBytes"/> at once (with a quarter kept for fragmentation), between 1 and <paramref name="samples"/>.</summary>
    public static int FitInMemory(long freeBytes, long perSampleStepBytes, int samples)
    {
        if (perSampleStepBytes <= 0) return samples;
        long fit = freeBytes * 3 / 4 / perSampleStepBytes;
        return (int)Math.Clamp(fit, 1, samples);
    }
}
