using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declaration of kernels/weighted_sum.cu, parameters in the order of its C signature (checked by KernelSignatureTests).

internal readonly record struct WeightedSumKernel(WeightedSumSlots Slots, DevicePointer Y, long N, double Beta) : IKernelArguments
{
    public static string File => "weighted_sum.cu";
    public static IReadOnlyList<string> Functions { get; } = ["weighted_sum"];
}
