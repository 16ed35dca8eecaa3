using System.Runtime.InteropServices;

namespace Parsec.Autodiff.Cuda;

/// <summary>Mirror of <c>struct DepthwiseGeometry</c> in kernels/depthwise.cu (ten ints, 40 bytes, passed by value).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DepthwiseGeometry
{
    public int N, C, H, W;
    public int OutH, OutW;
    public int Kernel, Stride, Padding, Dilation;

    public static DepthwiseGeometry From(Conv2dGeometry g) => new()
    {
        N = g.Input.N, C = g.Input.C, H = g.Input.H, W = g.Input.W,
        OutH = g.OutH, OutW = g.OutW,
        Kernel = g.Kernel, Stride = g.Stride, Padding = g.Padding, Dilation = g.Dilation,
    };

    /// <summary>One filter per channel, one output channel per input channel (channel multiplier 1), a square window.</summary>
    public static bool Applies(Conv2dGeometry g) => g.Groups == g.Input.C && g.OutChannels == g.Input.C && g.IsSquare;
}

/// <summary>Whether depthwise convolutions may use the kernels of kernels/depthwise.cu instead of cuDNN.</summary>
public enum DepthwiseKernels
{
    /// <summary>Per shape and direction, time both once and keep the faster.</summary>
    Fastest,
    /// <summary>Always the custom kernels (tests use this to check them).</summary>
    Always,
    /// <summary>Always cuDNN's grouped convolution.</summary>
    Never,
}
