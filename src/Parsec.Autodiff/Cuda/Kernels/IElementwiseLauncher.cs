using System.Diagnostics.CodeAnalysis;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

/// <summary>What <see cref="ElementwiseLaunches"/> needs from a GPU backend (tests pass a recorder instead).</summary>
internal interface IElementwiseLauncher
{
    /// <summary>The device address of a storage the backend owns, checked to be alive and Float32.</summary>
    DevicePointer Pointer(Storage s, string op, string name);

    /// <summary>Launches one grid-stride thread per element; nothing when <paramref name="elements"/> is 0.</summary>
    void Launch<[DynamicallyAccessedMembers(KernelParameters.Members)] TKernel>(TKernel kernel, long elements) where TKernel : unmanaged, IKernelArguments;
}
