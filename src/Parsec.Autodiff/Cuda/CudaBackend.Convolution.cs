using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Convolutions: cuDNN's legacy API (forward, backward data, backward filter; grouped convolutions are the same
// calls with a group count), or for depthwise shapes the kernels of kernels/depthwise.cu where they are faster
// (see CudaBackend.Depthwise.cs). A convolution that reads its input through a ReLU runs fused in the depthwise
// kernels; on the cuDNN path the ReLU (and its gradient) is a separate kernel over per-step scratch. cuDNN algorithms are chosen once per shape and direction; workspaces come
// from the arena's per-step region and are returned right after the call.
public sealed partial class CudaBackend
{
    private const int MaxAlgorithms = 8;

    public void Conv2dForward(Conv2dForwardArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Conv2dForward), "x"), pw = F32(a.W, nameof(Conv2dForward), "w"), py = F32(a.Y, nameof(Conv2dForward), "y");
        if (UseDepthwise(g, ConvDirection.Forward, px, pw, py))
        {
            DepthwiseForward(g, px, pw, py, a.ReluInput);
            return;
        }
        using var relu = ReluCopy(a.X, a.ReluInput);
        CudnnForward(g, a.ReluInput ? relu.Pointer : px, pw, py);
    }

    public void Conv2dBackwardData(Conv2dBackwardDataArgs a)
    {
        var g = a.Geometry;
        ulong pdy = F32(a.Dy, nameof(Conv2dBackwardData), "dy"), pw = F32(a.W, nameof(Conv2dBackwardData), "w"), pdx = F32(a.Dx, nameof(Conv2dBackwardData), "dx");
        ulong mask = a.ReluMask is null ? 0 : F32(a.ReluMask, nameof(Conv2dBackwardData), "reluMask");
        if (UseDepthwise(g, ConvDirection.BackwardData, pdy, pw, pdx))
        {
            DepthwiseBackwardData(g, pdy, pw, pdx, a.Accumulate, mask);
            return;
        }
        if (mask == 0)
        {
            CudnnBackwardData(g, pdy, pw, pdx, a.Accumulate);
            return;
        }
        // cuDNN cannot mask: the unmasked gradient goes to scratch, then through the ReLU's backward (x > 0 is relu(x) > 0).
        using var unmasked = Workspace(g.Input.Length * sizeof(float));
        CudnnBackwardData(g, pdy, pw, unmasked.Pointer, accumulate: false);
        Launch(new ReluBackwardKernel(mask, unmasked.Pointer, pdx, g.Input.Length, Flag(a.Accumulate)), LaunchShape.Linear(g.Input.Length));
    }

    public void Conv2dBackwardFilter(Conv2dBackwardFilterArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Conv2dBackwardFilter), "x"), pdy = F32(a.Dy, nameof(Conv2dBackwardFilter), "dy"), pdw = F32(a.Dw, nameof(Conv2dBackwardFilter), "dw");
        if (UseDepthwise(g, ConvDirection.BackwardFilter, px, pdy, pdw))
        {
            DepthwiseBackwardFilter(g, px, pdy, pdw, a.Accumulate, a.ReluInput);
            return;
        }
        using var relu = ReluCopy(a.X, a.ReluInput);
        CudnnBackwardFilter(g, a.ReluInput ? relu.Pointer : px, pdy, pdw, a.Accumulate);
    }

    /// <summary>
    /// max(x, 0) in per-step scratch for a cuDNN convolution that reads its input through a ReLU (cuDNN has no input
    /// activation); an empty lease without the ReLU. The depthwise kernels apply the ReLU as they load instead.
    /// </summary>
    private WorkspaceLease ReluCopy(Storage x, bool relu)
    {
        if (!relu) return default;
        var lease = Workspace(x.Length * sizeof(float));
        Launch(new ReluForwardKernel(F32(x, "ReluConv2d", "x"), lease.Pointer, x.Length), LaunchShape.Linear(x.Length));
        return lease;
    }

    private unsafe void CudnnForward(Conv2dGeometry g, ulong px, ulong pw, ulong py)
    {
        var plan = ConvPlan(g);
        plan.Forward ??= FindForward(plan, px, pw);
        var algo = PickAlgorithm(plan.Forward, "forward", g);
        using var ws = Workspace(algo.WorkspaceBytes);
        float alpha = 1, beta = 0;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnConvolutionForward(_cudnn.Handle, &alpha, plan.X.Handle, px, plan.W.Handle, pw, plan.Convolution.Handle,
            (cudnnConvolutionFwdAlgo_t)algo.Algorithm, ws.Pointer, (nuint)algo.WorkspaceBytes, &beta, plan.Y.Handle, py));
    }

    private unsafe void CudnnBackwardData(Conv2dGeometry g, ulong pdy, ulong pw, ulong pdx, bool accumulate)
    {
        var plan = ConvPlan(g);
        plan.BackwardData ??= FindBackwardData(plan, pw, pdy);
        var algo = PickAlgorithm(plan.BackwardData, "backward-data", g);
        using var ws = Workspace(algo.WorkspaceBytes);
        float alpha = 1, beta = accumulate ? 1 : 0;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnConvolutionBackwardData(_cudnn.Handle, &alpha, plan.W.Handle, pw, plan.Y.Handle, pdy, plan.Convolution.Handle,
            (cudnnConvolutionBwdDataAlgo_t)algo.Algorithm, ws.Pointer, (nuint)algo.WorkspaceBytes, &beta, plan.X.Handle, pdx));
    }

    private unsafe void CudnnBackwardFilter(Conv2dGeometry g, ulong px, ulong pdy, ulong pdw, bool accumulate)
    {
        var plan = ConvPlan(g);
        plan.BackwardFilter ??= FindBackwardFilter(plan, px, pdy);
        var algo = PickAlgorithm(plan.BackwardFilter, "backward-filter", g);
        using var ws = Workspace(algo.WorkspaceBytes);
        float alpha = 1, beta = accumulate ? 1 : 0;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnConvolutionBackwardFilter(_cudnn.Handle, &alpha, plan.X.Handle, px, plan.Y.Handle, pdy, plan.Convolution.Handle,
            (cudnnConvolutionBwdFilterAlgo_t)algo.Algorithm, ws.Pointer, (nuint)algo.WorkspaceBytes, &beta, plan.W.Handle, pdw));
    }

    /// <summary>The fastest candidate whose workspace fits in the largest free per-step range right now.</summary>
    private AlgorithmChoice PickAlgorithm(AlgorithmChoice[] candidates, string direction, Conv2dGeometry g)
    {
        long available = Math.Min(_arena.LargestFreePerStepBytes, _options.ConvolutionWorkspaceLimitBytes);
        foreach (var c in candidates)
            if (c.WorkspaceBytes <= available) return c;
        throw new Parsec.Cuda.Memory.ArenaOutOfMemoryException(
            $"convolution {g} {direction}: every cuDNN algorithm needs more workspace than the {available} bytes free " +
            $"(smallest need: {candidates.Min(c => c.WorkspaceBytes)} bytes)", _arena.Footprint());
    }

    /// <summary>Workspace bytes a search may give cuDNN: the configured limit, less than the free per-step memory after room for the scratch output.</summary>
    private long SearchWorkspaceBytes(long outputBytes) =>
        Math.Max(0, Math.Min(_options.ConvolutionWorkspaceLimitBytes, _arena.LargestFreePerStepBytes - outputBytes - 4 * _arena.Alignment));
}
