using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/elementwise.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

public readonly record struct ReluForwardKernel(DevicePointer X, DevicePointer Y, long N) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["relu_forward"];
}

public readonly record struct ReluBackwardKernel(DevicePointer Y, DevicePointer Dy, DevicePointer Dx, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["relu_backward"];
}

public readonly record struct AddForwardKernel(DevicePointer A, DevicePointer B, DevicePointer Y, long N) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["add_forward"];
}

public readonly record struct ScaleKernel(DevicePointer X, float Alpha, DevicePointer Y, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["scale"];
}

public readonly record struct ScaleRowsKernel(DevicePointer X, DevicePointer RowScale, long RowLength, DevicePointer Y, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["scale_rows"];
}
