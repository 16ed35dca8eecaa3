using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Storage checks and launch plumbing shared by every op. Shapes and lengths were checked when the op's record was
// created; what is left is what only this backend can check: the storage is its own, alive and Float32.
public sealed partial class CudaBackend
{
    private CudaStorage Cuda(Storage s, string op, string name)
    {
        ThrowIfDisposed();
        if (s is not CudaStorage c || !ReferenceEquals(c.Backend, this))
            throw new ArgumentException($"{op}: {name} is a {s.GetType().Name} of backend '{s.Backend.Name}', not a storage of {Name}");
        if (c.IsDisposed) throw new ObjectDisposedException($"{op}: {name} ({c}) was already released");
        return c;
    }

    /// <summary>
    /// The device pointer of a Float32 storage: this backend's, alive, and Float32 (lengths were checked by the op's
    /// record; Float64 is the one element type a record allows that this backend does not).
    /// </summary>
    private ulong F32(Storage s, string op, string name)
    {
        var c = Cuda(s, op, name);
        if (c.DType != DType.Float32)
            throw new NotSupportedException($"{op}: {name} is {c.DType}; the CUDA backend computes in Float32 only");
        return c.Pointer;
    }

    /// <summary>The device pointer of an Int32 storage the op's record already checked (this backend's, alive).</summary>
    private ulong I32(Storage s, string op, string name) => Cuda(s, op, name).Pointer;

    /// <summary>Launches the kernel a declaration names (or, for a declaration shared by several, <paramref name="function"/>).</summary>
    private void Launch<[DynamicallyAccessedMembers(KernelParameters.Members)] TKernel>(TKernel arguments, LaunchShape shape, string? function = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) where TKernel : unmanaged, IKernelArguments
    {
        if (function is null && TKernel.Functions.Count != 1)
            throw new ArgumentException($"{typeof(TKernel).Name} declares {TKernel.Functions.Count} kernels; name the one to launch");
        _kernels.Get(TKernel.File, function ?? TKernel.Functions[0]).Launch(_stream, shape, arguments, callerFile, callerLine);
        _launches.CountKernel();
    }

    private static int Flag(bool accumulate) => accumulate ? 1 : 0;
}
