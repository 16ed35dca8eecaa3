namespace Parsec.Cuda.Compilation;

/// <summary>
/// A device address as a kernel parameter (any <c>T*</c> in kernels/). A type of its own, not a bare <c>ulong</c>,
/// so that a launch declaration says which 8-byte parameters are pointers and which are 64-bit counts.
/// </summary>
internal readonly record struct DevicePointer(ulong Address)
{
    public static implicit operator DevicePointer(ulong address) => new(address);

    public override string ToString() => $"0x{Address:x}";
}
