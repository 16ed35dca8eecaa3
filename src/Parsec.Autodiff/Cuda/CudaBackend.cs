using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Dnn;
using Parsec.Cuda.Memory;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// The GPU backend: Float32 tensors (Int32 for labels) in one device arena, convolutions, pooling and batch norm
/// through cuDNN, matrix products through cuBLAS, everything else through the kernels in kernels/. All work is
/// queued on one stream, in order, so memory returned to the arena can be reused by the next op at once.
/// Float64 is the CPU backend's business (gradient checks) and is refused here.
/// </summary>
public sealed partial class CudaBackend : IBackend
{
    private readonly CudaBackendOptions _options;
    private readonly CudaDevice _device;
    private readonly CudaStream _stream;
    private readonly DeviceArena _arena;
    private readonly CudnnHandle _cudnn;
    private readonly CublasHandle _cublas;
    private readonly ArenaBlock _cublasWorkspace;
    private readonly KernelLibrary _kernels;
    private readonly DeviceScratch _scratch;
    private PinnedHostBuffer? _staging; // CopyOutAll's page-locked staging, grown on demand
    private readonly LaunchCounter _launches = new();
    private bool _disposed;

    // The arena category of cuBLAS's workspace: after the BufferCategory values, so the report shows it apart.
    private static readonly int CublasWorkspaceCategory = Enum.GetValues<BufferCategory>().Length;

    public CudaBackend(CudaBackendOptions? options = null)
    {
        _options = options ?? new CudaBackendOptions();
        BatchNormRelu = _options.BatchNormRelu;
        var disposables = new Stack<IDisposable>();
        try
        {
            _device = CudaDevice.Open(_options.DeviceOrdinal);
            disposables.Push(_device);
            _stream = new CudaStream(_device);
            disposables.Push(_stream);
            var arenaOptions = _options.Arena with { CategoryNames = [.. Enum.GetNames<BufferCategory>(), "CublasWorkspace"] };
            _arena = DeviceArena.Create(_device, arenaOptions);
            disposables.Push(_arena);
            _cudnn = new CudnnHandle(_stream);
            disposables.Push(_cudnn);
            _cublasWorkspace = _arena.Allocate(_options.CublasWorkspaceBytes, CublasWorkspaceCategory, persistent: true);
            _cublas = new CublasHandle(_stream, _cublasWorkspace.Pointer, _options.CublasWorkspaceBytes, Tf32InForce);
            disposables.Push(_cublas);
            string? cacheDir = _options.PtxCacheDirectory ?? PtxCache.DefaultDirectory();
            var compiler = new NvrtcCompiler(cacheDir.Length == 0 ? null : new PtxCache(cacheDir));
            _kernels = new KernelLibrary(_device, compiler, NvrtcCompiler.ChooseArchitecture(_device.ComputeCapability));
            disposables.Push(_kernels);
            _scratch = new DeviceScratch(_device, _arena);
            disposables.Push(_scratch);
        }
        catch
        {
            while (disposables.Count > 0) disposables.Pop().Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the backend when CUDA is usable; otherwise returns false and says exactly why (which library did not
    /// load and from where, no device, a driver error). Never throws for an unusable machine.
    /// </summary>
    public static bool TryCreate(out CudaBackend? backend, out string whyNot, CudaBackendOptions? options = null)
    {
        backend = null;
        if (!CudaAvailability.LibrariesLoad(out whyNot)) return false;
        try
        {
            backend = new CudaBackend(options);
            whyNot = "";
            return true;
        }
        catch (Exception e) when (e is GpuLibraryException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException
            or ArenaOutOfMemoryException or ArgumentOutOfRangeException)
        {
            whyNot = $"CUDA libraries loaded but the backend could not start: {e.Message}";
            return false;
        }
    }

    public string Name => $"cuda:{_device.Ordinal}";
    public Precision Precision => Tf32InForce ? Precision.Tf32 : Precision.Fp32;

    /// <summary>Kernels and library calls queued since the backend started (differences give launches per step).</summary>
    public LaunchCounts Launches => _launches.Snapshot;

    /// <summary>TF32 allowed and the device has TF32 tensor cores (Ampere, compute capability 8.0, and later).</summary>
    private bool Tf32InForce => _options.AllowTf32 && _device.ComputeCapabilityMajor >= 8;
    public BackendKind Kind => BackendKind.Cuda;
    /// <summary>
    /// False: all work is queued on one stream through one arena and one cuDNN and cuBLAS handle, none of which is
    /// safe to drive from several threads. Concurrent samples need a stream, handle set and per-step arena region
    /// per worker; until then the search runs one sample at a time here.
    /// </summary>
    public bool SupportsConcurrentTapes => false;
    public MemoryStats Memory { get; } = new();
    public CudaDevice Device => _device;
    /// <summary>The stream all of this backend's work is queued on (for event timing).</summary>
    internal CudaStream Stream => _stream;
    /// <summary>Bytes of the arena's per-step region: what one step's activations and gradients may take.</summary>
    public long PerStepArenaBytes => _arena.PerStepCapacityBytes;
    public CudaBackendOptions Options => _options;
    /// <summary>cuMemAlloc calls made in this process so far (the arena makes one; a steady-state step makes none).</summary>
    public static long DeviceAllocationCount => DeviceMemoryCounters.DeviceAllocations;

    public Storage Allocate(long length, DType dtype, BufferCategory category)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (dtype == DType.Float64)
            throw new NotSupportedException("the CUDA backend computes in Float32 only; use the CPU backend for Float64 (gradient checks)");
        long bytes = length * dtype.SizeInBytes();
        var block = _arena.Allocate(bytes, (int)category, category.IsPersistent());
        Memory.OnAllocate(bytes, category);
        return new CudaStorage(this, length, dtype, category, block);
    }

    internal void Release(CudaStorage storage)
    {
        if (_disposed) return; // the arena and its memory are already gone
        _arena.Free(storage.Block);
        Memory.OnRelease(storage.Bytes, storage.Category);
    }

    public void ResetStep()
    {
        ThrowIfDisposed();
        _arena.EndStep();
        Memory.ResetStepPeak();
    }

    public void Synchronize()
    {
        ThrowIfDisposed();
        _stream.Synchronize();
    }

    /// <summary>The arena's memory-footprint report (bytes by category, per-step peak, capacity, high-water marks).</summary>
    public ArenaFootprint Footprint() => _arena.Footprint();

    /// <summary>Bytes of the per-step region a step with the tape's planned buffer lifetimes needs when its buffers share memory.</summary>
    public long PlannedStepBytes(LifetimePlan plan)
    {
        var intervals = new LiveInterval[plan.Buffers.Count];
        for (int i = 0; i < intervals.Length; i++)
        {
            var b = plan.Buffers[i];
            intervals[i] = new LiveInterval(b.Bytes, b.Start, b.End);
        }
        return _arena.PlannedBytes(intervals);
    }

    public void Dispose()
    {
        if (_disposed) return;
        // After a kernel fault the wait fails too; it must not hide that fault or stop the handles below from being released.
        HandleRelease.Dispose(this, "the backend's queued work", () =>
        {
            _device.MakeCurrent();
            _stream.Synchronize();
        });
        DisposeDescriptorCaches();
        _timingStart?.Dispose();
        _timingEnd?.Dispose();
        _scratch.Dispose();
        _staging?.Dispose();
        _kernels.Dispose();
        _cublas.Dispose();
        _cudnn.Dispose();
        _disposed = true;
        _arena.Dispose();
        _stream.Dispose();
        _device.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
