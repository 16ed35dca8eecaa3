namespace Parsec.Autodiff.Cuda;

// Scratch memory for library calls, taken from the per-step region and returned when the lease is disposed.
// The stream runs in order, so memory returned right after a call is queued is safe to reuse at once.
public sealed partial class CudaBackend
{
    private WorkspaceLease Workspace(long bytes) =>
        bytes <= 0 ? default : new WorkspaceLease((CudaStorage)Allocate((bytes + 3) / 4, DType.Float32, BufferCategory.Workspace));

    private readonly struct WorkspaceLease(CudaStorage? storage) : IDisposable
    {
        /// <summary>The workspace's device address, 0 for an empty lease.</summary>
        public ulong Pointer => storage?.Pointer ?? 0;
        public void Dispose() => storage?.Dispose();
    }
}
