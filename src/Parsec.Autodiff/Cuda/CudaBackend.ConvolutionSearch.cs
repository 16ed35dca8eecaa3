using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Choosing cuDNN convolution algorithms, once per shape and direction. Measure runs cuDNN's Find...Ex on the
// real inputs, writing into a scratch output (the caller's output may hold values to accumulate into) with a
// workspace from the arena, so the search allocates nothing outside it. Heuristic asks Get..._v7.
public sealed partial class CudaBackend
{
    private bool AllowTensorOps => _options.AllowTf32;

    private unsafe AlgorithmChoice[] FindForward(ConvolutionPlan plan, ulong px, ulong pw)
    {
        var g = plan.Geometry;
        var perf = stackalloc cudnnConvolutionFwdAlgoPerf_t[MaxAlgorithms];
        int count = 0;
        _device.MakeCurrent();
        if (_options.AlgorithmSearch == ConvolutionAlgorithmSearch.Heuristic)
        {
            Check.Cudnn(Cudnn.cudnnGetConvolutionForwardAlgorithm_v7(_cudnn.Handle, plan.X.Handle, plan.W.Handle, plan.Convolution.Handle, plan.Y.Handle,
                MaxAlgorithms, &count, perf));
            for (int i = 0; i < count; i++)
            {
                if (perf[i].status != 0) continue;
                nuint bytes = 0;
                Check.Cudnn(Cudnn.cudnnGetConvolutionForwardWorkspaceSize(_cudnn.Handle, plan.X.Handle, plan.W.Handle, plan.Convolution.Handle, plan.Y.Handle, perf[i].algo, &bytes));
                perf[i].memory = bytes;
            }
        }
        else
        {
            long wsBytes = SearchWorkspaceBytes(g.Output.Length * sizeof(float));
            using var output = Workspace(g.Output.Length * sizeof(float));
            using var ws = Workspace(wsBytes);
            Check.Cudnn(Cudnn.cudnnFindConvolutionForwardAlgorithmEx(_cudnn.Handle, plan.X.Handle, px, plan.W.Handle, pw, plan.Convolution.Handle,
                plan.Y.Handle, output.Pointer, MaxAlgorithms, &count, perf, ws.Pointer, (nuint)wsBytes));
        }
        var results = new List<(int, int, float, nuint, cudnnMathType_t)>();
        for (int i = 0; i < count; i++) results.Add(((int)perf[i].algo, perf[i].status, perf[i].time, perf[i].memory, perf[i].mathType));
        return ConvolutionPlan.Usable(results, AllowTensorOps, "forward", g);
    }

    private unsafe AlgorithmChoice[] FindBackwardData(ConvolutionPlan plan, ulong pw, ulong pdy)
    {
        var g = plan.Geometry;
        var perf = stackalloc cudnnConvolutionBwdDataAlgoPerf_t[MaxAlgorithms];
        int count = 0;
        _device.MakeCurrent();
        if (_options.AlgorithmSearch == ConvolutionAlgorithmSearch.Heuristic)
        {
            Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(_cudnn.Handle, plan.W.Handle, plan.Y.Handle, plan.Convolution.Handle, plan.X.Handle,
                MaxAlgorithms, &count, perf));
            for (int i = 0; i < count; i++)
            {
                if (perf[i].status != 0) continue;
                nuint bytes = 0;
                Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(_cudnn.Handle, plan.W.Handle, plan.Y.Handle, plan.Convolution.Handle, plan.X.Handle, perf[i].algo, &bytes));
                perf[i].memory = bytes;
            }
        }
        else
        {
            long wsBytes = SearchWorkspaceBytes(g.Input.Length * sizeof(float));
            using var output = Workspace(g.Input.Length * sizeof(float));
            using var ws = Workspace(wsBytes);
            Check.Cudnn(Cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(_cudnn.Handle, plan.W.Handle, pw, plan.Y.Handle, pdy, plan.Convolution.Handle,
                plan.X.Handle, output.Pointer, MaxAlgorithms, &count, perf, ws.Pointer, (nuint)wsBytes));
        }
        var results = new List<(int, int, float, nuint, cudnnMathType_t)>();
        for (int i = 0; i < count; i++) results.Add(((int)perf[i].algo, perf[i].status, perf[i].time, perf[i].memory, perf[i].mathType));
        return ConvolutionPlan.Usable(results, AllowTensorOps, "backward-data", g);
    }

    private unsafe AlgorithmChoice[] FindBackwardFilter(ConvolutionPlan plan, ulong px, ulong pdy)
    {
        var g = plan.Geometry;
        var perf = stackalloc cudnnConvolutionBwdFilterAlgoPerf_t[MaxAlgorithms];
        int count = 0;
        _device.MakeCurrent();
        if (_options.AlgorithmSearch == ConvolutionAlgorithmSearch.Heuristic)
        {
            Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(_cudnn.Handle, plan.X.Handle, plan.Y.Handle, plan.Convolution.Handle, plan.W.Handle,
                MaxAlgorithms, &count, perf));
            for (int i = 0; i < count; i++)
            {
                if (perf[i].status != 0) continue;
                nuint bytes = 0;
                Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(_cudnn.Handle, plan.X.Handle, plan.Y.Handle, plan.Convolution.Handle, plan.W.Handle, perf[i].algo, &bytes));
                perf[i].memory = bytes;
            }
        }
        else
        {
            long wsBytes = SearchWorkspaceBytes(g.WeightLength * sizeof(float));
            using var output = Workspace(g.WeightLength * sizeof(float));
            using var ws = Workspace(wsBytes);
            Check.Cudnn(Cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(_cudnn.Handle, plan.X.Handle, px, plan.Y.Handle, pdy, plan.Convolution.Handle,
                plan.W.Handle, output.Pointer, MaxAlgorithms, &count, perf, ws.Pointer, (nuint)wsBytes));
        }
        var results = new List<(int, int, float, nuint, cudnnMathType_t)>();
        for (int i = 0; i < count; i++) results.Add(((int)perf[i].algo, perf[i].status, perf[i].time, perf[i].memory, perf[i].mathType));
        return ConvolutionPlan.Usable(results, AllowTensorOps, "backward-filter", g);
    }
}
