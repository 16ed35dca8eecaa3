using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/elementwise.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests), and the element-wise op record each is launched for.

/// <summary>Which kernel runs each element-wise op record, with which arguments.</summary>
internal static class ElementwiseLaunches
{
    public static void Launch(ElementwiseArgs args, IElementwiseLauncher gpu)
    {
        switch (args)
        {
            case ReluArgs a:
                gpu.Launch(new ReluForwardKernel(gpu.Pointer(a.X, "Relu", "x"), gpu.Pointer(a.Y, "Relu", "y"), a.X.Length), a.X.Length);
                break;
            case ReluBackwardArgs a:
                gpu.Launch(new ReluBackwardKernel(gpu.Pointer(a.Y, "ReluBackward", "y"), gpu.Pointer(a.Dy, "ReluBackward", "dy"),
                    gpu.Pointer(a.Dx, "ReluBackward", "dx"), a.Y.Length, Flag(a.Accumulate)), a.Y.Length);
                break;
            case AddArgs a:
                gpu.Launch(new AddForwardKernel(gpu.Pointer(a.A, "Add", "a"), gpu.Pointer(a.B, "Add", "b"), gpu.Pointer(a.Y, "Add", "y"), a.A.Length),
                    a.A.Length);
                break;
            case ScaleArgs a:
                gpu.Launch(new ScaleKernel(gpu.Pointer(a.X, "Scale", "x"), (float)a.Alpha, gpu.Pointer(a.Y, "Scale", "y"), a.X.Length, Flag(a.Accumulate)),
                    a.X.Length);
                break;
            case ScaleRowsArgs a:
                gpu.Launch(new ScaleRowsKernel(gpu.Pointer(a.X, "ScaleRows", "x"), gpu.Pointer(a.RowScale, "ScaleRows", "rowScale"), a.RowLength,
                    gpu.Pointer(a.Y, "ScaleRows", "y"), a.X.Length, Flag(a.Accumulate)), a.X.Length);
                break;
            default:
                throw new NotSupportedException($"no CUDA kernel is declared for {args.GetType().Name}");
        }
    }

    private static int Flag(bool accumulate) => accumulate ? 1 : 0;
}

internal readonly record struct ReluForwardKernel(DevicePointer X, DevicePointer Y, long N) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["relu_forward"];
}

internal readonly record struct ReluBackwardKernel(DevicePointer Y, DevicePointer Dy, DevicePointer Dx, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["relu_backward"];
}

internal readonly record struct AddForwardKernel(DevicePointer A, DevicePointer B, DevicePointer Y, long N) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["add_forward"];
}

internal readonly record struct ScaleKernel(DevicePointer X, float Alpha, DevicePointer Y, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["scale"];
}

internal readonly record struct ScaleRowsKernel(DevicePointer X, DevicePointer RowScale, long RowLength, DevicePointer Y, long N, int Accumulate) : IKernelArguments
{
    public static string File => "elementwise.cu";
    public static IReadOnlyList<string> Functions { get; } = ["scale_rows"];
}
