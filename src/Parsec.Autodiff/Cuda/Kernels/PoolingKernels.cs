using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/pooling.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct GlobalAvgPoolForwardKernel(DevicePointer X, DevicePointer Y, long Planes, int Plane) : IKernelArguments
{
    public static string File => "pooling.cu";
    public static IReadOnlyList<string> Functions { get; } = ["global_avg_pool_forward"];
}

internal readonly record struct GlobalAvgPoolBackwardKernel(DevicePointer Dy, DevicePointer Dx, long Planes, int Plane, int Accumulate) : IKernelArguments
{
    public static string File => "pooling.cu";
    public static IReadOnlyList<string> Functions { get; } = ["global_avg_pool_backward"];
}
