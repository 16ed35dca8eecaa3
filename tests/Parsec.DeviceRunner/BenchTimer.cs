using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.DeviceRunner;

/// <summary>
/// Times GPU work with CUDA events on the backend's stream: warm-up runs first (algorithm search, JIT, caches),
/// then repeated runs, each preceded by overwriting a buffer twice the L2 size so every run reads from memory
/// rather than from cache; the median is reported.
/// </summary>
internal sealed class BenchTimer : IDisposable
{
    private readonly CudaBackend _gpu;
    private readonly CudaEvent _start;
    private readonly CudaEvent _end;
    private readonly Storage _flush;

    public BenchTimer(CudaBackend gpu, int warmup, int repetitions)
    {
        _gpu = gpu;
        Warmup = warmup;
        Repetitions = repetitions;
        _start = new CudaEvent(gpu.Device);
        _end = new CudaEvent(gpu.Device);
        long flushFloats = Math.Max(2 * gpu.Device.L2CacheBytes, 64L << 20) / sizeof(float);
        _flush = gpu.Allocate(flushFloats, DType.Float32, BufferCategory.Workspace);
    }

    public int Warmup { get; }
    public int Repetitions { get; }

    /// <summary>Median microseconds of one call of <paramref name="run"/>.</summary>
    public double MedianMicroseconds(Action run)
    {
        for (int i = 0; i < Warmup; i++) run();
        _gpu.Synchronize();
        var times = new double[Repetitions];
        for (int r = 0; r < Repetitions; r++)
        {
            _gpu.Fill(_flush, r);
            _start.Record(_gpu.Stream);
            run();
            _end.Record(_gpu.Stream);
            times[r] = CudaEvent.ElapsedMilliseconds(_start, _end) * 1000.0;
        }
        Array.Sort(times);
        return times[times.Length / 2];
    }

    /// <summary>Device-to-device copy bandwidth in GB/s (bytes read plus bytes written) over a 1 GiB-class copy.</summary>
    public unsafe double CopyBandwidthGBps(long bytes)
    {
        var src = _gpu.Allocate(bytes / sizeof(float), DType.Float32, BufferCategory.Workspace);
        var dst = _gpu.Allocate(bytes / sizeof(float), DType.Float32, BufferCategory.Workspace);
        try
        {
            _gpu.Fill(src, 1.5);
            double us = MedianMicroseconds(() => _gpu.Copy(src, dst));
            return 2.0 * bytes / (us * 1e-6) / 1e9;
        }
        finally
        {
            src.Dispose();
            dst.Dispose();
        }
    }

    public void Dispose()
    {
        _flush.Dispose();
        _start.Dispose();
        _end.Dispose();
    }
}
