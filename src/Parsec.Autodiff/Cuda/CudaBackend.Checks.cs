using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Argument checks and launch plumbing shared by every op: launchers check their own preconditions so a shape
// mistake is reported in C# terms instead of as a kernel reading out of bounds.
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

    /// <summary>The device pointer of a Float32 storage (checked: this backend's, alive, Float32).</summary>
    private ulong F32(Storage s, string op, string name, long? length = null)
    {
        var c = Cuda(s, op, name);
        if (c.DType != DType.Float32)
            throw new NotSupportedException($"{op}: {name} is {c.DType}; the CUDA backend computes in Float32 only");
        if (length is { } n && c.Length != n) throw new ArgumentException($"{op}: {name} has {c.Length} elements, expected {n}");
        return c.Pointer;
    }

    private ulong I32(Storage s, string op, string name, long length)
    {
        var c = Cuda(s, op, name);
        if (c.DType != DType.Int32) throw new ArgumentException($"{op}: {name} must be Int32, got {c.DType}");
        if (c.Length != length) throw new ArgumentException($"{op}: {name} has {c.Length} elements, expected {length}");
        return c.Pointer;
    }

    /// <summary>Launches the kernel a declaration names (or, for a declaration shared by several, <paramref name="function"/>).</summary>
    private void Launch<[DynamicallyAccessedMembers(KernelParameters.Members)] TKernel>(TKernel arguments, LaunchShape shape, string? function = null,
        [CallerFilePath] string callerFile = "", [CallerLineNumber] int callerLine = 0) where TKernel : unmanaged, IKernelArguments
    {
        if (function is null && TKernel.Functions.Count != 1)
            throw new ArgumentException($"{typeof(TKernel).Name} declares {TKernel.Functions.Count} kernels; name the one to launch");
        _kernels.Get(TKernel.File, function ?? TKernel.Functions[0]).Launch(_stream, shape, arguments, callerFile, callerLine);
    }

    private static int Flag(bool accumulate) => accumulate ? 1 : 0;
}
