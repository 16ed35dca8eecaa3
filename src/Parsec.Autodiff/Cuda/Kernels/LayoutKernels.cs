using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

// Launch declarations of kernels/layout.cu: one record per extern "C" kernel, parameters in the order of its C signature
// (checked by KernelSignatureTests).

internal readonly record struct CopyChannelsKernel(DevicePointer Src, int SrcChannels, int SrcOffset, DevicePointer Dst, int DstChannels, int DstOffset, int Count, int Batch, long Plane, int Accumulate) : IKernelArguments
{
    public static string File => "layout.cu";
    public static IReadOnlyList<string> Functions { get; } = ["copy_channels"];
}

internal readonly record struct SliceSpatialForwardKernel(DevicePointer X, int Xh, int Xw, int OffH, int OffW, DevicePointer Y, int Yh, int Yw, long Planes) : IKernelArguments
{
    public static string File => "layout.cu";
    public static IReadOnlyList<string> Functions { get; } = ["slice_spatial_forward"];
}

internal readonly record struct SliceSpatialBackwardKernel(DevicePointer Dy, int Yh, int Yw, int OffH, int OffW, DevicePointer Dx, int Xh, int Xw, long Planes, int Accumulate) : IKernelArguments
{
    public static string File => "layout.cu";
    public static IReadOnlyList<string> Functions { get; } = ["slice_spatial_backward"];
}
