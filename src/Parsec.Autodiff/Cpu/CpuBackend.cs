namespace Parsec.Autodiff.Cpu;

/// <summary>
/// The reference backend: every op of <see cref="IBackend"/> on managed arrays, in Float32 and Float64
/// (one generic implementation per kernel, dispatched on the storage's element type). Kernels run in
/// parallel over independent planes or samples; reductions over samples use a fixed partition so that
/// results do not depend on thread scheduling.
/// </summary>
public sealed partial class CpuBackend : IBackend
{
    private readonly object _lock = new();
    private readonly BufferPool _pool;
    private readonly bool _poisonNewBuffers;
    private long _nextId;

    /// <param name="poisonNewBuffers">
    /// Fill every float buffer handed out with NaN. Tests use it so that a kernel reading memory it was
    /// supposed to overwrite (or an op that forgets to initialise a buffer) shows up as NaN instead of
    /// passing by luck on freshly zeroed arrays.
    /// </param>
    /// <param name="poolCapacityBytes">Most bytes of released arrays kept for reuse; default <see cref="DefaultPoolCapacityBytes"/>.</param>
    public CpuBackend(bool poisonNewBuffers = false, long? poolCapacityBytes = null)
    {
        _poisonNewBuffers = poisonNewBuffers;
        _pool = new BufferPool(poolCapacityBytes ?? DefaultPoolCapacityBytes);
    }

    /// <summary>
    /// A quarter of the memory the runtime may use, at least 512 MiB. A step's released buffers must all fit:
    /// every array the pool turns away is allocated afresh next step, and a fresh large array costs the
    /// garbage collector a full collection and zeroing plus page faults on first touch (DARTS_V2 at C = 16,
    /// batch 64 peaks at about 1.1 GB; with a 512 MiB pool a fifth of its step time went to that).
    /// </summary>
    public static long DefaultPoolCapacityBytes => Math.Max(512L << 20, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4);

    public string Name => "cpu";
    public Precision Precision => Precision.Fp32;
    public BackendKind Kind => BackendKind.Cpu;
    /// <summary>
    /// True: allocation and the memory statistics are behind one lock, the pool's arrays are handed to one
    /// storage at a time, and kernels keep no state between calls (their scratch comes from the thread-safe
    /// ArrayPool.Shared); parallel loops inside kernels nest under callers' threads.
    /// </summary>
    public bool SupportsConcurrentTapes => true;
    public MemoryStats Memory { get; } = new();

    public Storage Allocate(long length, DType dtype, BufferCategory category)
    {
        if (length < 0 || length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(length), length, $"a cpu buffer holds 0 to {Array.MaxLength} elements");
        Array? data;
        long id;
        lock (_lock)
        {
            data = _pool.TryTake(dtype, length);
            id = ++_nextId;
            Memory.OnAllocate(length * dtype.SizeInBytes(), category);
        }
        // Contents are unspecified (a recycled array holds an earlier tensor's values): every op overwrites
        // or explicitly accumulates, and Tensor.Zeros fills.
        data ??= dtype switch
        {
            DType.Float32 => new float[length],
            DType.Float64 => new double[length],
            DType.Int32 => new int[length],
            _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown element type"),
        };
        if (_poisonNewBuffers)
        {
            if (data is float[] f) f.AsSpan().Fill(float.NaN);
            else if (data is double[] d) d.AsSpan().Fill(double.NaN);
            else if (data is int[] i) i.AsSpan().Fill(int.MinValue);
        }
        return new CpuStorage(this, id, length, dtype, category, data);
    }

    internal void OnRelease(CpuStorage storage, Array data)
    {
        lock (_lock)
        {
            Memory.OnRelease(storage.Bytes, storage.Category);
            _pool.Return(storage.DType, data);
        }
    }

    public void ResetStep()
    {
        lock (_lock) Memory.ResetStepPeak();
    }

    public void Synchronize() { }

    public void Dispose()
    {
        lock (_lock) _pool.Clear();
    }

    // ---- copies -------------------------------------------------------------------------------

    public void CopyIn(Storage dst, ReadOnlySpan<float> src) => src.CopyTo(Span<float>(dst, src.Length, DType.Float32, nameof(CopyIn)));
    public void CopyIn(Storage dst, ReadOnlySpan<double> src) => src.CopyTo(Span<double>(dst, src.Length, DType.Float64, nameof(CopyIn)));
    public void CopyIn(Storage dst, ReadOnlySpan<int> src) => src.CopyTo(Span<int>(dst, src.Length, DType.Int32, nameof(CopyIn)));
    public void CopyOut(Storage src, Span<float> dst) => Span<float>(src, dst.Length, DType.Float32, nameof(CopyOut)).CopyTo(dst);
    public void CopyOut(Storage src, Span<double> dst) => Span<double>(src, dst.Length, DType.Float64, nameof(CopyOut)).CopyTo(dst);
    public void CopyOut(Storage src, Span<int> dst) => Span<int>(src, dst.Length, DType.Int32, nameof(CopyOut)).CopyTo(dst);

    public void Copy(Storage src, Storage dst)
    {
        StorageChecks.SameTypeAndLength(nameof(Copy), Cpu(src), Cpu(dst));
        System.Array.Copy(Cpu(src).Raw, Cpu(dst).Raw, src.Length);
    }

    public void Fill(Storage y, double value)
    {
        switch (y.DType)
        {
            case DType.Float32: Cpu(y).Span<float>().Fill((float)value); break;
            case DType.Float64: Cpu(y).Span<double>().Fill(value); break;
            case DType.Int32: Cpu(y).Span<int>().Fill(StorageChecks.Int32Fill(value)); break;
        }
    }

    // ---- dispatch helpers ---------------------------------------------------------------------

    internal static CpuStorage Cpu(Storage s) =>
        s as CpuStorage ?? throw new ArgumentException($"{s.GetType().Name} of backend '{s.Backend.Name}' passed to the cpu backend");

    /// <summary>The typed array of a storage, checking it is on this backend and alive.</summary>
    internal static T[] Arr<T>(Storage s) where T : unmanaged => Cpu(s).Array<T>();

    /// <summary>Which instantiation runs an op whose record has already checked that its operands share one float type.</summary>
    internal static bool IsDouble(Storage first) => first.DType == DType.Float64;

    /// <summary>For the ops without a record (reductions of one buffer): true for Float64, false for Float32, an error for Int32.</summary>
    internal static bool IsDouble(string op, Storage x)
    {
        StorageChecks.Floats(op, Cpu(x));
        return IsDouble(x);
    }

    private static Span<T> Span<T>(Storage s, int length, DType dtype, string op) where T : unmanaged
    {
        StorageChecks.Transfer(op, Cpu(s), length, dtype);
        return Cpu(s).Span<T>();
    }
}
