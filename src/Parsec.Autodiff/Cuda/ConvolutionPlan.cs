using Parsec.Cuda.Dnn;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

/// <summary>One cuDNN algorithm candidate for a convolution direction: which, how fast it measured, how much workspace.</summary>
internal readonly record struct AlgorithmChoice(int Algorithm, float Milliseconds, long WorkspaceBytes, cudnnMathType_t MathType);

/// <summary>
/// Everything cuDNN needs for one convolution shape: the descriptors, and per direction the usable algorithms
/// fastest first (found once, on first use). Keeping the whole list lets a call fall back to the fastest
/// algorithm whose workspace fits the memory free at that moment.
/// </summary>
internal sealed class ConvolutionPlan : IDisposable
{
    public ConvolutionPlan(Conv2dGeometry g, cudnnMathType_t mathType)
    {
        Geometry = g;
        MathType = mathType;
        X = new TensorDescriptor(g.Input.N, g.Input.C, g.Input.H, g.Input.W);
        var o = g.Output;
        Y = new TensorDescriptor(o.N, o.C, o.H, o.W);
        W = new FilterDescriptor(g.OutChannels, g.InChannelsPerGroup, g.KernelH, g.KernelW);
        Convolution = new ConvolutionDescriptor(g.PaddingH, g.PaddingW, g.StrideH, g.StrideW, g.Dilation, g.Groups, mathType);
    }

    public Conv2dGeometry Geometry { get; }
    public cudnnMathType_t MathType { get; }
    public TensorDescriptor X { get; }
    public TensorDescriptor Y { get; }
    public FilterDescriptor W { get; }
    public ConvolutionDescriptor Convolution { get; }
    public AlgorithmChoice[]? Forward { get; set; }
    public AlgorithmChoice[]? BackwardData { get; set; }
    public AlgorithmChoice[]? BackwardFilter { get; set; }

    /// <summary>Keeps successful candidates, fastest first; without TF32, drops those that need tensor-core math.</summary>
    public static AlgorithmChoice[] Usable(IEnumerable<(int Algo, int Status, float Time, nuint Memory, cudnnMathType_t Math)> results, bool allowTensorOps, string direction, Conv2dGeometry g)
    {
        var usable = results
            .Where(r => r.Status == 0)
            .Where(r => allowTensorOps || r.Math is cudnnMathType_t.CUDNN_DEFAULT_MATH or cudnnMathType_t.CUDNN_FMA_MATH)
            .Select(r => new AlgorithmChoice(r.Algo, r.Time, (long)r.Memory, r.Math))
            .ToArray();
        if (usable.Length == 0)
            throw new NotSupportedException($"cuDNN offers no usable {direction} algorithm for convolution {g}" + (allowTensorOps ? "" : " without tensor-core math"));
        return usable;
    }

    public void Dispose()
    {
        Convolution.Dispose();
        W.Dispose();
        Y.Dispose();
        X.Dispose();
    }
}
