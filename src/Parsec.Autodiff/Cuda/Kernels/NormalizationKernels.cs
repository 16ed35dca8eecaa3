using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/normalization.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct BatchNormReluTrainingKernel(DevicePointer X, DevicePointer Gamma, DevicePointer Beta, DevicePointer RunMean,
    DevicePointer RunVar, double Momentum, double Epsilon, DevicePointer Y, DevicePointer SaveMean, DevicePointer SaveInvStd,
    int N, int Channels, int Plane) : IKernelArguments
{
    public static string File => "normalization.cu";
    public static IReadOnlyList<string> Functions { get; } = ["batch_norm_relu_training"];
}

internal readonly record struct BatchNormReluInferenceKernel(DevicePointer X, DevicePointer Gamma, DevicePointer Beta, DevicePointer RunMean,
    DevicePointer RunVar, double Epsilon, DevicePointer Y, int Channels, int Plane, long Total) : IKernelArguments
{
    public static string File => "normalization.cu";
    public static IReadOnlyList<string> Functions { get; } = ["batch_norm_relu_inference"];
}

internal readonly record struct BatchNormReluBackwardKernel(DevicePointer X, DevicePointer Dy, DevicePointer Y, DevicePointer Gamma,
    DevicePointer SaveMean, DevicePointer SaveInvStd, DevicePointer Dx, DevicePointer Dgamma, DevicePointer Dbeta,
    int N, int Channels, int Plane, int Accumulate) : IKernelArguments
{
    public static string File => "normalization.cu";
    public static IReadOnlyList<string> Functions { get; } = ["batch_norm_relu_backward"];
}

internal readonly record struct ReluInPlaceKernel(DevicePointer Y, long N) : IKernelArguments
{
    public static string File => "normalization.cu";
    public static IReadOnlyList<string> Functions { get; } = ["relu_in_place"];
}
