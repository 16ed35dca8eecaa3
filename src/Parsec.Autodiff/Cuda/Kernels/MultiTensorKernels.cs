using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/multi_tensor.cu: one record per extern "C" kernel, parameters in the order of its C
// signature (checked by KernelSignatureTests).

internal readonly record struct FillManyKernel(TensorSlots Slots, float Value) : IKernelArguments
{
    public static string File => "multi_tensor.cu";
    public static IReadOnlyList<string> Functions { get; } = ["fill_many"];
}

internal readonly record struct ScaleManyKernel(TensorSlots Slots, float Factor) : IKernelArguments
{
    public static string File => "multi_tensor.cu";
    public static IReadOnlyList<string> Functions { get; } = ["scale_many"];
}

internal readonly record struct SumSquaresManyKernel(TensorSlots Slots, DevicePointer Partial) : IKernelArguments
{
    public static string File => "multi_tensor.cu";
    public static IReadOnlyList<string> Functions { get; } = ["sum_squares_many"];
}

internal readonly record struct AllFiniteManyKernel(TensorSlots Slots, DevicePointer Flag) : IKernelArguments
{
    public static string File => "multi_tensor.cu";
    public static IReadOnlyList<string> Functions { get; } = ["all_finite_many"];
}
