using Parsec.Cuda.Dnn;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// cuDNN descriptors are made once per shape and kept: a DARTS network uses a handful of shapes, and creating
// descriptors on every call would cost more than small kernels do.
public sealed partial class CudaBackend
{
    private readonly Dictionary<Shape4, TensorDescriptor> _tensorDescriptors = [];
    private readonly Dictionary<int, TensorDescriptor> _channelDescriptors = [];
    private readonly Dictionary<(PoolKind Kind, int Kernel, int Stride, int Padding), PoolingDescriptor> _poolingDescriptors = [];
    private readonly Dictionary<Conv2dGeometry, ConvolutionPlan> _convolutionPlans = [];

    private TensorDescriptor TensorDesc(Shape4 s)
    {
        if (!_tensorDescriptors.TryGetValue(s, out var d))
        {
            d = new TensorDescriptor(s.N, s.C, s.H, s.W);
            _tensorDescriptors[s] = d;
        }
        return d;
    }

    /// <summary>The (1, C, 1, 1) descriptor of per-channel batch-norm parameters and statistics.</summary>
    private TensorDescriptor ChannelDesc(int channels)
    {
        if (!_channelDescriptors.TryGetValue(channels, out var d))
        {
            d = new TensorDescriptor(1, channels, 1, 1);
            _channelDescriptors[channels] = d;
        }
        return d;
    }

    private PoolingDescriptor PoolDesc(Pool2dGeometry g)
    {
        var key = (g.Kind, g.Kernel, g.Stride, g.Padding);
        if (!_poolingDescriptors.TryGetValue(key, out var d))
        {
            var mode = g.Kind == PoolKind.Max ? cudnnPoolingMode_t.CUDNN_POOLING_MAX : cudnnPoolingMode_t.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
            d = new PoolingDescriptor(mode, g.Kernel, g.Padding, g.Stride);
            _poolingDescriptors[key] = d;
        }
        return d;
    }

    private ConvolutionPlan ConvPlan(Conv2dGeometry g)
    {
        if (!_convolutionPlans.TryGetValue(g, out var plan))
        {
            plan = new ConvolutionPlan(g, Tf32InForce ? cudnnMathType_t.CUDNN_TENSOR_OP_MATH : cudnnMathType_t.CUDNN_FMA_MATH);
            _convolutionPlans[g] = plan;
        }
        return plan;
    }

    private void DisposeDescriptorCaches()
    {
        foreach (var d in _tensorDescriptors.Values) d.Dispose();
        foreach (var d in _channelDescriptors.Values) d.Dispose();
        foreach (var d in _poolingDescriptors.Values) d.Dispose();
        foreach (var p in _convolutionPlans.Values) p.Dispose();
        _tensorDescriptors.Clear();
        _channelDescriptors.Clear();
        _poolingDescriptors.Clear();
        _convolutionPlans.Clear();
    }
}
