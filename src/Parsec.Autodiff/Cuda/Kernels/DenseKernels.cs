using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/dense.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct AddBiasKernel(DevicePointer Y, DevicePointer Bias, int Rows, int Cols) : IKernelArguments
{
    public static string File => "dense.cu";
    public static IReadOnlyList<string> Functions { get; } = ["add_bias"];
}

internal readonly record struct BiasBackwardKernel(DevicePointer Dy, int Rows, int Cols, DevicePointer Dbias, int Accumulate) : IKernelArguments
{
    public static string File => "dense.cu";
    public static IReadOnlyList<string> Functions { get; } = ["bias_backward"];
}
