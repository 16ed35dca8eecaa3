using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Convolutions: cuDNN's legacy API (forward, backward data, backward filter; grouped convolutions are the same
// calls with a group count), or for depthwise shapes the kernels of kernels/depthwise.cu where they are faster
// (see CudaBackend.Depthwise.cs). cuDNN algorithms are chosen once per shape and direction; workspaces come
// from the arena's per-step region and are returned right after the call.
public sealed partial class CudaBackend
{
    private const int MaxAlgorithms = 8;

    public void Conv2dForward(Conv2dForwardArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Conv2dForward), "x"), pw = F32(a.W, nameof(Conv2dForward), "w"), py = F32(a.Y, nameof(Conv2dForward), "y");
        if (UseDepthwise(g, ConvDirection.Forward, px, pw, py)) DepthwiseForward(g, px, pw, py);
        else CudnnForward(g, px, pw, py);
    }

    public void Conv2dBackwardData(Conv2dBackwardDataArgs a)
    {
        var g = a.Geometry;
        ulong pdy = F32(a.Dy, nameof(Conv2dBackwardData), "dy"), pw = F32(a.W, nameof(Conv2dBackwardData), "w"), pdx = F32(a.Dx, nameof(Conv2dBackwardData), "dx");
        if (UseDepthwise(g, ConvDirection.BackwardData, pdy, pw, pdx)) DepthwiseBackwardData(g, pdy, pw, pdx, a.Accumulate);
        else CudnnBackwardData(g, pdy, pw, pdx, a.Accumulate);
    }

    public void Conv2dBackwardFilter(Conv2dBackwardFilterArgs a)
    {
        var g = a.Geometry;
        ulong px = F32(a.X, nameof(Conv2dBackwardFilter), "x"), pdy = F32(a.Dy, nameof(Conv2dBackwardFilter), "dy"), pdw = F32(a.Dw, nameof(Conv2dBackwardFilter), "dw");
        if (UseDepthwise(g, ConvDirection.BackwardFilter, px, pdy, pdw)) DepthwiseBackwardFilter(g, px, pdy, pdw, a.Accumulate);
        else CudnnBackwardFilter(g, px, pdy, pdw, a.Accumulate);
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
