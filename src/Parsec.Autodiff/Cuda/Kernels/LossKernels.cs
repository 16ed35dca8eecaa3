using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/loss.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct SoftmaxXentForwardKernel(DevicePointer Logits, DevicePointer Labels, int Rows, int Classes, DevicePointer Probs, DevicePointer LogLikelihood, DevicePointer BadLabel) : IKernelArguments
{
    public static string File => "loss.cu";
    public static IReadOnlyList<string> Functions { get; } = ["softmax_xent_forward"];
}

internal readonly record struct SoftmaxXentBackwardKernel(DevicePointer Probs, DevicePointer Labels, DevicePointer RowWeight, int Rows, int Classes, DevicePointer Dlogits, int Accumulate) : IKernelArguments
{
    public static string File => "loss.cu";
    public static IReadOnlyList<string> Functions { get; } = ["softmax_xent_backward"];
}
