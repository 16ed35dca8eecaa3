using Parsec.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

internal enum ConvDirection { Forward, BackwardData, BackwardFilter }

// Depthwise convolutions through kernels/depthwise.cu. With DepthwiseKernels.Fastest, the first call of each
// shape and direction runs both the custom kernel and cuDNN's best algorithm on scratch outputs, timed with
// CUDA events, and the faster is kept for the rest of the run; the measurement never touches the caller's output.
public sealed partial class CudaBackend
{
    private const int DepthwiseThreads = 256; // PARSEC_DW_THREADS
    private readonly Dictionary<(Conv2dGeometry, ConvDirection), bool> _depthwiseChoice = [];
    private CudaEvent? _timingStart, _timingEnd;

    /// <summary>Which depthwise shapes and directions run on the custom kernels, and the times that decided it (for reports).</summary>
    public IReadOnlyList<string> DepthwiseDecisions => _depthwiseDecisions;
    private readonly List<string> _depthwiseDecisions = [];

    /// <summary>
    /// a, b are the direction's two inputs; out is its output (only its size matters here: the timing writes scratch).
    /// </summary>
    private bool UseDepthwise(Conv2dGeometry g, ConvDirection direction, ulong a, ulong b, ulong output)
    {
        if (!DepthwiseGeometry.Applies(g) || _options.Depthwise == DepthwiseKernels.Never) return false;
        if (direction == ConvDirection.BackwardFilter && g.Kernel is not (3 or 5 or 7)) return false;
        if (_options.Depthwise == DepthwiseKernels.Always) return true;
        if (_depthwiseChoice.TryGetValue((g, direction), out bool custom)) return custom;

        long outLength = direction switch
        {
            ConvDirection.Forward => g.Output.Length,
            ConvDirection.BackwardData => g.Input.Length,
            _ => g.WeightLength,
        };
        using var scratch = Workspace(outLength * sizeof(float));
        ulong s = scratch.Pointer;
        Action runCustom = direction switch
        {
            ConvDirection.Forward => () => DepthwiseForward(g, a, b, s, reluInput: false),
            ConvDirection.BackwardData => () => DepthwiseBackwardData(g, a, b, s, false, reluMask: 0),
            _ => () => DepthwiseBackwardFilter(g, a, b, s, false, reluInput: false),
        };
        Action runCudnn = direction switch
        {
            ConvDirection.Forward => () => CudnnForward(g, a, b, s),
            ConvDirection.BackwardData => () => CudnnBackwardData(g, a, b, s, false),
            _ => () => CudnnBackwardFilter(g, a, b, s, false),
        };
        float customMs = TimeMilliseconds(runCustom);
        float cudnnMs;
        try
        {
            cudnnMs = TimeMilliseconds(runCudnn);
        }
        catch (NotSupportedException)
        {
            cudnnMs = float.PositiveInfinity; // cuDNN has no usable algorithm for this shape
        }
        custom = customMs < cudnnMs;
        _depthwiseChoice[(g, direction)] = custom;
        _depthwiseDecisions.Add($"{direction} K={g.Kernel} s={g.Stride} d={g.Dilation} {g.Input}: custom {customMs * 1000:F1} us, cuDNN {cudnnMs * 1000:F1} us -> {(custom ? "custom" : "cuDNN")}");
        return custom;
    }

    /// <summary>Best of three event-timed runs after one warm-up run (which also triggers compilation or algorithm search).</summary>
    private float TimeMilliseconds(Action run)
    {
        _timingStart ??= new CudaEvent(_device);
        _timingEnd ??= new CudaEvent(_device);
        run();
        float best = float.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            _timingStart.Record(_stream);
            run();
            _timingEnd.Record(_stream);
            best = Math.Min(best, CudaEvent.ElapsedMilliseconds(_timingStart, _timingEnd));
        }
        return best;
    }

    private void DepthwiseForward(Conv2dGeometry g, ulong px, ulong pw, ulong py, bool reluInput)
    {
        var dg = DepthwiseGeometry.From(g);
        Launch(new DepthwiseForwardKernel(px, pw, py, dg, Flag(reluInput)), LaunchShape.Linear(g.Output.Length));
    }

    /// <param name="reluMask">The forward input when the convolution read max(x, 0), else 0 (no mask).</param>
    private void DepthwiseBackwardData(Conv2dGeometry g, ulong pdy, ulong pw, ulong pdx, bool accumulate, ulong reluMask)
    {
        var dg = DepthwiseGeometry.From(g);
        int acc = Flag(accumulate);
        Launch(new DepthwiseBackwardDataKernel(pdy, pw, pdx, dg, acc, reluMask), LaunchShape.Linear(g.Input.Length));
    }

    /// <summary>
    /// Two passes: blocks (channel, image split) write per-split tap sums to per-step scratch, then one thread per
    /// weight adds them in order. Splits are chosen so there are about four blocks per SM.
    /// </summary>
    private void DepthwiseBackwardFilter(Conv2dGeometry g, ulong px, ulong pdy, ulong pdw, bool accumulate, bool reluInput)
    {
        var dg = DepthwiseGeometry.From(g);
        int channels = g.Input.C, taps = g.Kernel * g.Kernel;
        int splits = Math.Clamp(4 * _device.MultiprocessorCount / Math.Max(1, channels), 1, g.Input.N);
        using var partial = Workspace((long)channels * splits * taps * sizeof(float));
        ulong pp = partial.Pointer;
        int acc = Flag(accumulate);
        Launch(new DepthwiseBackwardFilterPartialKernel(px, pdy, pp, dg, splits, Flag(reluInput)), new LaunchShape((uint)channels, (uint)splits, 1, DepthwiseThreads, 1, 1),
            $"depthwise_backward_filter_partial_k{g.Kernel}");
        Launch(new DepthwiseBackwardFilterFinishKernel(pp, splits, taps, channels, pdw, acc), LaunchShape.Linear((long)channels * taps));
    }
}
