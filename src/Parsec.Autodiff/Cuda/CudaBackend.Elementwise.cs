using System.Diagnostics.CodeAnalysis;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Element-wise ops: ElementwiseLaunches (Cuda/Kernels/ElementwiseKernels.cs) turns each record into its kernel's
// launch declaration; this backend supplies the device pointers and launches one thread per element.
public sealed partial class CudaBackend : IElementwiseLauncher
{
    public void Elementwise(ElementwiseArgs args) => ElementwiseLaunches.Launch(args, this);

    DevicePointer IElementwiseLauncher.Pointer(Storage s, string op, string name) => F32(s, op, name);

    void IElementwiseLauncher.Launch<[DynamicallyAccessedMembers(KernelParameters.Members)] TKernel>(TKernel kernel, long elements)
    {
        if (elements == 0) return;
        Launch(kernel, LaunchShape.Linear(elements));
    }
}
