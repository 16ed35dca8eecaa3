namespace Parsec.Cuda.Compilation;

/// <summary>
/// The C# declaration of one <c>extern "C"</c> kernel's parameters: a positional record struct whose
/// constructor parameters are the kernel's, with the same names (in PascalCase), order and widths
/// (<see cref="DevicePointer"/> for pointers, <c>long</c> for <c>i64</c>, <c>int</c>, <c>float</c>, <c>double</c>,
/// or a mirror struct of the same name). <see cref="CudaKernel.Launch{TArguments}"/> builds the driver's
/// argument block from it, and a test compares every declaration with the signature in its .cu file.
/// </summary>
internal interface IKernelArguments
{
    /// <summary>The kernel source file (in kernels/).</summary>
    static abstract string File { get; }

    /// <summary>
    /// The kernel functions launched with these parameters: one, or several when a template is instantiated per
    /// compile-time constant (they share a signature).
    /// </summary>
    static abstract IReadOnlyList<string> Functions { get; }
}
