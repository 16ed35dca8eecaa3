using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/reduce.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct SumSquaresPartialKernel(DevicePointer X, long N, DevicePointer Partial) : IKernelArguments
{
    public static string File => "reduce.cu";
    public static IReadOnlyList<string> Functions { get; } = ["sum_squares_partial"];
}

internal readonly record struct DotPartialKernel(DevicePointer A, DevicePointer B, long N, DevicePointer Partial) : IKernelArguments
{
    public static string File => "reduce.cu";
    public static IReadOnlyList<string> Functions { get; } = ["dot_partial"];
}

internal readonly record struct SumPartialsKernel(DevicePointer Partial, int Count, DevicePointer Result) : IKernelArguments
{
    public static string File => "reduce.cu";
    public static IReadOnlyList<string> Functions { get; } = ["sum_partials"];
}

internal readonly record struct AllFiniteKernel(DevicePointer X, long N, DevicePointer Flag) : IKernelArguments
{
    public static string File => "reduce.cu";
    public static IReadOnlyList<string> Functions { get; } = ["all_finite"];
}
