using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.DeviceRunner;

/// <summary>
/// The fused ReLU ops next to the unfused pairs they replace, at one activation shape x = (N, C, S, S), so that the
/// benchmark decides which the CUDA backend should run. "pair" rows run the two ops as the unfused network did (the
/// ReLU's output stored, its gradient a pass of its own); "fused" rows run the single op. ReLU-Conv is fused in the
/// depthwise kernels (on "dw-best" shapes where they win); on cuDNN its ReLU stays a kernel over scratch. BatchNorm-ReLU
/// runs on both paths of <see cref="CudaBackend.BatchNormRelu"/>.
/// </summary>
internal static class FusedBenchCases
{
    public static IEnumerable<(string Op, string Engine, double Bytes, double Flops, Action Run)> All(CudaBackend gpu, Shape4 x, Func<long, Storage> rand)
    {
        long n = x.Length;
        int c = x.C;
        double f = sizeof(float);
        Storage a = rand(n), relu = rand(n), dy = rand(n), dRelu = rand(n), dx = rand(n);
        foreach (var (name, conv, engine) in new[]
                 {
                     ("depthwise 3x3", new Conv2dGeometry(x, c, 3, 1, 1, 1, c), "dw-best"),
                     ("conv 1x1", new Conv2dGeometry(x, c, 1, 1, 0, 1, 1), "cuDNN"),
                 })
        {
            Storage w = rand(conv.WeightLength), dw = rand(conv.WeightLength), y = rand(conv.Output.Length);
            double bytes = (2 * n + conv.Output.Length) * f;
            yield return ($"relu+{name} fwd pair", engine, bytes, 0, () =>
            {
                gpu.Elementwise(new ReluArgs(a, relu));
                gpu.Conv2dForward(new Conv2dForwardArgs(conv, relu, w, y));
            });
            yield return ($"relu_{name} fwd fused", engine, bytes, 0, () => gpu.Conv2dForward(new Conv2dForwardArgs(conv, a, w, y, reluInput: true)));
            yield return ($"relu+{name} bwd-data pair", engine, bytes, 0, () =>
            {
                gpu.Conv2dBackwardData(new Conv2dBackwardDataArgs(conv, y, w, dRelu, false));
                gpu.Elementwise(new ReluBackwardArgs(relu, dRelu, dx, false));
            });
            yield return ($"relu_{name} bwd-data fused", engine, bytes, 0, () => gpu.Conv2dBackwardData(new Conv2dBackwardDataArgs(conv, y, w, dx, false, reluMask: a)));
            yield return ($"relu+{name} bwd-filter pair", engine, bytes, 0, () => gpu.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(conv, relu, y, dw, false)));
            yield return ($"relu_{name} bwd-filter fused", engine, bytes, 0, () => gpu.Conv2dBackwardFilter(new Conv2dBackwardFilterArgs(conv, a, y, dw, false, reluInput: true)));
        }
        Storage gamma = rand(c), beta = rand(c), runMean = rand(c), runVar = rand(c), saveMean = rand(c), saveInv = rand(c), dgamma = rand(c), dbeta = rand(c);
        gpu.Elementwise(new ReluArgs(runVar, runVar)); // a variance is not negative
        foreach (var kernels in new[] { BatchNormReluKernels.Library, BatchNormReluKernels.Fused })
        {
            string engine = kernels == BatchNormReluKernels.Library ? "cuDNN+k" : "fused";
            yield return ("batch_norm_relu train fwd", engine, 3 * n * f, 0, () =>
            {
                gpu.BatchNormRelu = kernels;
                gpu.BatchNormTraining(new BatchNormTrainingArgs(x, a, gamma, beta, runMean, runVar, 0.1, 1e-5, relu, saveMean, saveInv, relu: true));
            });
            yield return ("batch_norm_relu bwd", engine, 6 * n * f, 0, () =>
            {
                gpu.BatchNormRelu = kernels;
                gpu.BatchNormBackward(new BatchNormBackwardArgs(x, a, dy, gamma, saveMean, saveInv, dx, dgamma, dbeta, false, reluOutput: relu));
            });
        }
    }
}
