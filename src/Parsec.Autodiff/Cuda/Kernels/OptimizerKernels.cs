using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/optimizer.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct SgdUpdateKernel(SgdSlots Slots, float Lr, float Momentum, float WeightDecay) : IKernelArguments
{
    public static string File => "optimizer.cu";
    public static IReadOnlyList<string> Functions { get; } = ["sgd_update"];
}

internal readonly record struct AdamUpdateKernel(AdamSlots Slots, float StepSize, float Beta1, float Beta2, float Epsilon, float WeightDecay, float InvSqrtBc2) : IKernelArguments
{
    public static string File => "optimizer.cu";
    public static IReadOnlyList<string> Functions { get; } = ["adam_update"];
}
