using Parsec.Cuda.Compilation;

namespace Parsec.Autodiff.Cuda;

/// <summary>
/// How the CUDA backend runs a batch norm fused with the ReLU after it (BatchNormRelu2d): cuDNN's batch norm and a
/// separate ReLU kernel (its backward through per-step scratch), or the fused kernels of kernels/normalization.cu.
/// The device runner's benchmark times both at the network's shapes; the default stays with the library until
/// those figures say the fused kernels are faster.
/// </summary>
public enum BatchNormReluKernels
{
    Library,
    Fused,
}

// The fused kernels: one block per channel (the CPU reference's loop), or one thread per element in evaluation mode.
public sealed partial class CudaBackend
{
    private const int BatchNormThreads = 256; // PARSEC_BN_THREADS

    /// <summary>
    /// Which kernels run BatchNormRelu2d; starts as <see cref="CudaBackendOptions.BatchNormRelu"/>. Settable so that the
    /// device benchmark can time both paths on one backend.
    /// </summary>
    public BatchNormReluKernels BatchNormRelu { get; set; }

    private void FusedBatchNormReluTraining(BatchNormTrainingArgs a)
    {
        const string op = nameof(BatchNormTraining);
        var s = a.XShape;
        Launch(new BatchNormReluTrainingKernel(F32(a.X, op, "x"), Optional(a.Gamma, op, "gamma"), Optional(a.Beta, op, "beta"),
                F32(a.RunMean, op, "runMean"), F32(a.RunVar, op, "runVar"), a.Momentum, a.Epsilon, F32(a.Y, op, "y"),
                F32(a.SaveMean, op, "saveMean"), F32(a.SaveInvStd, op, "saveInvStd"), s.N, s.C, s.H * s.W),
            new LaunchShape((uint)s.C, 1, 1, BatchNormThreads, 1, 1));
    }

    private void FusedBatchNormReluInference(BatchNormInferenceArgs a)
    {
        const string op = nameof(BatchNormInference);
        var s = a.XShape;
        Launch(new BatchNormReluInferenceKernel(F32(a.X, op, "x"), Optional(a.Gamma, op, "gamma"), Optional(a.Beta, op, "beta"),
            F32(a.RunMean, op, "runMean"), F32(a.RunVar, op, "runVar"), a.Epsilon, F32(a.Y, op, "y"), s.C, s.H * s.W, s.Length), LaunchShape.Linear(s.Length));
    }

    private void FusedBatchNormReluBackward(BatchNormBackwardArgs a)
    {
        const string op = nameof(BatchNormBackward);
        var s = a.XShape;
        Launch(new BatchNormReluBackwardKernel(F32(a.X, op, "x"), F32(a.Dy, op, "dy"), F32(a.ReluOutput!, op, "reluOutput"), Optional(a.Gamma, op, "gamma"),
                F32(a.SaveMean, op, "saveMean"), F32(a.SaveInvStd, op, "saveInvStd"), F32(a.Dx, op, "dx"), Optional(a.Dgamma, op, "dgamma"),
                Optional(a.Dbeta, op, "dbeta"), s.N, s.C, s.H * s.W, Flag(a.Accumulate)),
            new LaunchShape((uint)s.C, 1, 1, BatchNormThreads, 1, 1));
    }

    /// <summary>The library path's ReLU after cuDNN's batch norm.</summary>
    private void ReluInPlace(Storage y, string op) => Launch(new ReluInPlaceKernel(F32(y, op, "y"), y.Length), LaunchShape.Linear(y.Length));

    /// <summary>A kernel's nullable pointer: 0 for an absent operand.</summary>
    private ulong Optional(Storage? s, string op, string name) => s is null ? 0 : F32(s, op, name);
}
