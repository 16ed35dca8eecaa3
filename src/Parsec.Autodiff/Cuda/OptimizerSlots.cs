using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// Mirror of <c>struct SgdSlots</c> in kernels/optimizer.cu, passed by value as a kernel argument: up to
/// <see cref="Capacity"/> parameters per launch. Pointers are 64-bit device addresses. 584 bytes.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SgdSlots
{
    public const int Capacity = 16;
    public fixed ulong Weight[Capacity];
    public fixed ulong Grad[Capacity];
    public fixed ulong Momentum[Capacity];
    public fixed long Length[Capacity];
    public fixed int BlockStart[Capacity + 1];
    public int Count;
}

/// <summary>Mirror of <c>struct AdamSlots</c> in kernels/optimizer.cu. 712 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct AdamSlots
{
    public const int Capacity = 16;
    public fixed ulong Weight[Capacity];
    public fixed ulong Grad[Capacity];
    public fixed ulong FirstMoment[Capacity];
    public fixed ulong SecondMoment[Capacity];
    public fixed long Length[Capacity];
    public fixed int BlockStart[Capacity + 1];
    public int Count;
}
