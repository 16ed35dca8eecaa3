using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Parsec.Cuda.Native;

namespace Parsec.Cuda.Compilation;

/// <summary>Grid and block dimensions of a launch, and its dynamic shared memory.</summary>
internal readonly record struct LaunchShape(uint GridX, uint GridY, uint GridZ, uint BlockX, uint BlockY, uint BlockZ, uint SharedBytes = 0)
{
    /// <summary>Largest grid used for grid-stride loops: enough blocks to fill any current GPU many times over.</summary>
    public const long MaxLinearBlocks = 65536;

    /// <summary>A 1-D launch covering <paramref name="elements"/> with grid-stride loops (kernels loop when the grid is capped).</summary>
    public static LaunchShape Linear(long elements, int threadsPerBlock = 256)
    {
        long blocks = Math.Clamp((elements + threadsPerBlock - 1) / threadsPerBlock, 1, MaxLinearBlocks);
        return new LaunchShape((uint)blocks, 1, 1, (uint)threadsPerBlock, 1, 1);
    }

    /// <summary>One block of <paramref name="threadsPerBlock"/> per row (rows along x, capped; kernels loop over rows).</summary>
    public static LaunchShape PerRow(long rows, int threadsPerBlock, uint sharedBytes = 0)
    {
        long blocks = Math.Clamp(rows, 1, MaxLinearBlocks);
        return new LaunchShape((uint)blocks, 1, 1, (uint)threadsPerBlock, 1, 1, sharedBytes);
    }
}

/// <summary>A kernel function of a loaded module.</summary>
internal sealed unsafe class CudaKernel
{
    private readonly CudaDevice _device;

    internal CudaKernel(CudaDevice device, nint handle, string name)
    {
        _device = device;
        Handle = handle;
        Name = name;
    }

    public nint Handle { get; }
    public string Name { get; }

    /// <summary>
    /// Queues the kernel on <paramref name="stream"/> with the parameter values of <paramref name="arguments"/>,
    /// whose declaration must list this kernel. The driver reads each value from its address in the record
    /// (it copies them at launch, so a record on the stack is fine).
    /// </summary>
    public void Launch<[DynamicallyAccessedMembers(KernelParameters.Members)] TArguments>(CudaStream stream, LaunchShape shape, TArguments arguments,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) where TArguments : unmanaged, IKernelArguments
    {
        if (!TArguments.Functions.Contains(Name))
            throw new ArgumentException($"{typeof(TArguments).Name} declares the parameters of {string.Join(", ", TArguments.Functions)}, not of {Name}");
        Span<nint> addresses = stackalloc nint[KernelParameters.Count<TArguments>()];
        KernelParameters.WriteAddresses(&arguments, addresses);
        _device.MakeCurrent();
        fixed (nint* block = addresses)
        {
            int status = Driver.cuLaunchKernel(Handle, shape.GridX, shape.GridY, shape.GridZ, shape.BlockX, shape.BlockY, shape.BlockZ,
                shape.SharedBytes, stream.Handle, (void**)block, null);
            if (status != 0) throw Check.CudaError(status, new CallSite($"cuLaunchKernel({Name}, {shape})", file, line));
        }
    }

    public override string ToString() => Name;
}
