using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Choosing cuDNN convolution algorithms, once per shape and direction. Measure runs cuDNN's Find...Ex on the
// real inputs, writing into a scratch output (the caller's output may hold values to accumulate into) with a
// workspace from the arena, so the search allocates nothing outside it. Heuristic asks Get..._v7.
public sealed partial class CudaBackend
{
    private bool AllowTensorOps => Tf32InForce;

    // The three directions' perf-result structs have one layout (checked by BindingLayoutTests), so one buffer of
    // the forward struct serves all three and each direction only supplies its entry points.
    private unsafe delegate void HeuristicQuery(cudnnConvolutionFwdAlgoPerf_t* results, int* count);
    private delegate nuint WorkspaceQuery(int algorithm);
    private unsafe delegate void MeasureQuery(cudnnConvolutionFwdAlgoPerf_t* results, int* count, ulong output, ulong workspace, nuint workspaceBytes);

    private unsafe AlgorithmChoice[] FindForward(ConvolutionPlan plan, ulong px, ulong pw) => ChooseAlgorithm(
        "forward", plan.Geometry, plan.Geometry.Output.Length * sizeof(float),
        (perf, count) => Check.Cudnn(Cudnn.cudnnGetConvolutionForwardAlgorithm_v7(_cudnn.Handle, plan.X.Handle, plan.W.Handle,
            plan.Convolution.Handle, plan.Y.Handle, MaxAlgorithms, count, perf)),
        algo =>
        {
            nuint bytes = 0;
            Check.Cudnn(Cudnn.cudnnGetConvolutionForwardWorkspaceSize(_cudnn.Handle, plan.X.Handle, plan.W.Handle, plan.Convolution.Handle,
                plan.Y.Handle, (cudnnConvolutionFwdAlgo_t)algo, &bytes));
            return bytes;
        },
        (perf, count, output, ws, wsBytes) => Check.Cudnn(Cudnn.cudnnFindConvolutionForwardAlgorithmEx(_cudnn.Handle, plan.X.Handle, px, plan.W.Handle, pw,
            plan.Convolution.Handle, plan.Y.Handle, output, MaxAlgorithms, count, perf, ws, wsBytes)));

    private unsafe AlgorithmChoice[] FindBackwardData(ConvolutionPlan plan, ulong pw, ulong pdy) => ChooseAlgorithm(
        "backward-data", plan.Geometry, plan.Geometry.Input.Length * sizeof(float),
        (perf, count) => Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(_cudnn.Handle, plan.W.Handle, plan.Y.Handle,
            plan.Convolution.Handle, plan.X.Handle, MaxAlgorithms, count, (cudnnConvolutionBwdDataAlgoPerf_t*)perf)),
        algo =>
        {
            nuint bytes = 0;
            Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(_cudnn.Handle, plan.W.Handle, plan.Y.Handle, plan.Convolution.Handle,
                plan.X.Handle, (cudnnConvolutionBwdDataAlgo_t)algo, &bytes));
            return bytes;
        },
        (perf, count, output, ws, wsBytes) => Check.Cudnn(Cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx(_cudnn.Handle, plan.W.Handle, pw, plan.Y.Handle, pdy,
            plan.Convolution.Handle, plan.X.Handle, output, MaxAlgorithms, count, (cudnnConvolutionBwdDataAlgoPerf_t*)perf, ws, wsBytes)));

    private unsafe AlgorithmChoice[] FindBackwardFilter(ConvolutionPlan plan, ulong px, ulong pdy) => ChooseAlgorithm(
        "backward-filter", plan.Geometry, plan.Geometry.WeightLength * sizeof(float),
        (perf, count) => Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(_cudnn.Handle, plan.X.Handle, plan.Y.Handle,
            plan.Convolution.Handle, plan.W.Handle, MaxAlgorithms, count, (cudnnConvolutionBwdFilterAlgoPerf_t*)perf)),
        algo =>
        {
            nuint bytes = 0;
            Check.Cudnn(Cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(_cudnn.Handle, plan.X.Handle, plan.Y.Handle, plan.Convolution.Handle,
                plan.W.Handle, (cudnnConvolutionBwdFilterAlgo_t)algo, &bytes));
            return bytes;
        },
        (perf, count, output, ws, wsBytes) => Check.Cudnn(Cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx(_cudnn.Handle, plan.X.Handle, px, plan.Y.Handle, pdy,
            plan.Convolution.Handle, plan.W.Handle, output, MaxAlgorithms, count, (cudnnConvolutionBwdFilterAlgoPerf_t*)perf, ws, wsBytes)));

    /// <summary>
    /// Lists the usable algorithms of one direction, fastest first: measured on scratch buffers, or from cuDNN's
    /// heuristics with each candidate's workspace size filled in.
    /// </summary>
    private unsafe AlgorithmChoice[] ChooseAlgorithm(string direction, Conv2dGeometry g, long outputBytes,
        HeuristicQuery heuristic, WorkspaceQuery workspaceOf, MeasureQuery measure)
    {
        var perf = stackalloc cudnnConvolutionFwdAlgoPerf_t[MaxAlgorithms];
        int count = 0;
        _device.MakeCurrent();
        if (_options.AlgorithmSearch == ConvolutionAlgorithmSearch.Heuristic)
        {
            heuristic(perf, &count);
            for (int i = 0; i < count; i++)
                if (perf[i].status == 0) perf[i].memory = workspaceOf((int)perf[i].algo);
        }
        else
        {
            long wsBytes = SearchWorkspaceBytes(outputBytes);
            using var output = Workspace(outputBytes);
            using var ws = Workspace(wsBytes);
            measure(perf, &count, output.Pointer, ws.Pointer, (nuint)wsBytes);
        }
        var results = new List<(int, int, float, nuint, cudnnMathType_t)>();
        for (int i = 0; i < count; i++) results.Add(((int)perf[i].algo, perf[i].status, perf[i].time, perf[i].memory, perf[i].mathType));
        return ConvolutionPlan.Usable(results, AllowTensorOps, direction, g);
    }
}
