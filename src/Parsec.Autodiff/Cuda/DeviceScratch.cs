using Parsec.Cuda;
using Parsec.Cuda.Memory;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// Small persistent device buffers the backend's own launchers need (reduction partials, result words, status
/// flags, constant ones and zeros for batch norm without affine parameters), plus a pinned host buffer to read
/// results back. Taken from the arena's persistent region once, so steady-state steps allocate nothing.
/// </summary>
internal sealed class DeviceScratch : IDisposable
{
    public const int ReductionBlocks = 1024;
    private static readonly int Category = (int)BufferCategory.Workspace;

    private readonly DeviceArena _arena;
    private readonly ArenaBlock _block;
    private ArenaBlock? _constants;

    public DeviceScratch(CudaDevice device, DeviceArena arena)
    {
        _arena = arena;
        // Layout: partial sums (1024 doubles) | result (1 double) | flag (1 int, padded) | launch results (1024 doubles).
        _block = arena.Allocate(ReductionBlocks * 8 + 8 + 8 + ReductionBlocks * 8, Category, persistent: true);
        Host = new PinnedHostBuffer(device, 64);
    }

    /// <summary>double[ReductionBlocks] of per-block partial sums.</summary>
    public ulong Partials => _block.Pointer;
    /// <summary>One double.</summary>
    public ulong Result => _block.Pointer + ReductionBlocks * 8;
    /// <summary>One int.</summary>
    public ulong Flag => _block.Pointer + ReductionBlocks * 8 + 8;
    /// <summary>double[ReductionBlocks]: one result per launch of a multi-tensor reduction.</summary>
    public ulong LaunchResults => _block.Pointer + ReductionBlocks * 8 + 16;
    public PinnedHostBuffer Host { get; }
    /// <summary>How many floats of ones (then as many zeros) <see cref="Ones"/> holds.</summary>
    public long ConstantsLength { get; private set; }

    /// <summary>Device pointer to at least <paramref name="length"/> ones followed by as many zeros (filled by <paramref name="fill"/>).</summary>
    public (ulong Ones, ulong Zeros) Constants(long length, Action<ulong, long, float> fill)
    {
        if (_constants is null || ConstantsLength < length)
        {
            if (_constants is { } old) _arena.Free(old);
            long capacity = Math.Max(length, 1024);
            _constants = _arena.Allocate(capacity * 2 * sizeof(float), Category, persistent: true);
            ConstantsLength = capacity;
            fill(_constants.Value.Pointer, capacity, 1f);
            fill(_constants.Value.Pointer + (ulong)(capacity * sizeof(float)), capacity, 0f);
        }
        return (_constants!.Value.Pointer, _constants.Value.Pointer + (ulong)(ConstantsLength * sizeof(float)));
    }

    public void Dispose()
    {
        Host.Dispose();
    }
}
