using Parsec.Cuda.Memory;

namespace Parsec.Autodiff.Cuda;

/// <summary>A block of the CUDA backend's arena holding one tensor's elements.</summary>
internal sealed class CudaStorage : Storage
{
    private readonly CudaBackend _backend;

    internal CudaStorage(CudaBackend backend, long length, DType dtype, BufferCategory category, ArenaBlock block)
        : base(backend, length, dtype, category)
    {
        _backend = backend;
        Block = block;
    }

    internal ArenaBlock Block { get; }

    /// <summary>The device address of element 0.</summary>
    public ulong Pointer => Block.Pointer;

    protected override void Release() => _backend.Release(this);

    public override string ToString() => $"cuda {DType}[{Length}] {Category} at 0x{Pointer:x}";
}
