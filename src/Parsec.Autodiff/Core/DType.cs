namespace Parsec.Autodiff;

/// <summary>Element type of a tensor. Float64 exists on the CPU backend so gradients can be checked tightly.</summary>
public enum DType
{
    Float32,
    Float64,
    /// <summary>Class labels and other integer data; never differentiated.</summary>
    Int32,
}

internal static class DTypeExtensions
{
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown element type"),
    };
}
