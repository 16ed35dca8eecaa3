using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// Mirror of <c>struct WeightedSumSlots</c> in kernels/weighted_sum.cu, passed by value as a kernel argument: up to
/// <see cref="Capacity"/> sources per launch. Pointers are 64-bit device addresses. 264 bytes (the int count padded to 8).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct WeightedSumSlots
{
    public const int Capacity = WeightedSumArgs.MaxSources;
    public fixed ulong Source[Capacity];
    public fixed double Weight[Capacity];
    public int Count;
}
