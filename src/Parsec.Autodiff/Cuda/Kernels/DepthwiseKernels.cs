using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/depthwise.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct DepthwiseForwardKernel(DevicePointer X, DevicePointer W, DevicePointer Y, DepthwiseGeometry G, int ReluInput) : IKernelArguments
{
    public static string File => "depthwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["depthwise_forward"];
}

internal readonly record struct DepthwiseBackwardDataKernel(DevicePointer Dy, DevicePointer W, DevicePointer Dx, DepthwiseGeometry G, int Accumulate, DevicePointer ReluMask) : IKernelArguments
{
    public static string File => "depthwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["depthwise_backward_data"];
}

internal readonly record struct DepthwiseBackwardFilterPartialKernel(DevicePointer X, DevicePointer Dy, DevicePointer Partial, DepthwiseGeometry G, int Splits, int ReluInput) : IKernelArguments
{
    public static string File => "depthwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["depthwise_backward_filter_partial_k3", "depthwise_backward_filter_partial_k5", "depthwise_backward_filter_partial_k7"];
}

internal readonly record struct DepthwiseBackwardFilterFinishKernel(DevicePointer Partial, int Splits, int Taps, int Channels, DevicePointer Dw, int Accumulate) : IKernelArguments
{
    public static string File => "depthwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["depthwise_backward_filter_finish"];
}
