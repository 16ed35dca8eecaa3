using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Batch norm through cuDNN's spatial mode (per channel over N, H, W). cuDNN's conventions match the contract:
// the running mean/variance factor is PyTorch's momentum, the running variance is unbiased, and the saved
// inverse variance is 1 / sqrt(var + eps). Norms without affine parameters pass constant ones and zeros.
// A norm fused with the ReLU after it runs as CudaBackend.BatchNormRelu.cs decides.
public sealed partial class CudaBackend
{
    private const cudnnBatchNormMode_t Spatial = cudnnBatchNormMode_t.CUDNN_BATCHNORM_SPATIAL;

    public void BatchNormTraining(BatchNormTrainingArgs a)
    {
        if (a.Relu && BatchNormRelu == BatchNormReluKernels.Fused) FusedBatchNormReluTraining(a);
        else CudnnBatchNormTraining(a);
        if (a.Relu && BatchNormRelu == BatchNormReluKernels.Library) ReluInPlace(a.Y, nameof(BatchNormTraining));
    }

    private unsafe void CudnnBatchNormTraining(BatchNormTrainingArgs a)
    {
        const string op = nameof(BatchNormTraining);
        int c = a.XShape.C;
        ulong px = F32(a.X, op, "x"), py = F32(a.Y, op, "y");
        ulong pm = F32(a.RunMean, op, "runMean"), pv = F32(a.RunVar, op, "runVar");
        ulong psm = F32(a.SaveMean, op, "saveMean"), psi = F32(a.SaveInvStd, op, "saveInvStd");
        var (scale, bias) = AffineOrIdentity(a.Gamma, a.Beta, c, op);
        float one = 1, zero = 0;
        var xd = TensorDesc(a.XShape).Handle;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationForwardTraining(_cudnn.Handle, Spatial, &one, &zero, xd, px, xd, py, ChannelDesc(c).Handle,
            scale, bias, a.Momentum, pm, pv, a.Epsilon, psm, psi));
    }

    public void BatchNormInference(BatchNormInferenceArgs a)
    {
        if (a.Relu && BatchNormRelu == BatchNormReluKernels.Fused) FusedBatchNormReluInference(a);
        else CudnnBatchNormInference(a);
        if (a.Relu && BatchNormRelu == BatchNormReluKernels.Library) ReluInPlace(a.Y, nameof(BatchNormInference));
    }

    private unsafe void CudnnBatchNormInference(BatchNormInferenceArgs a)
    {
        const string op = nameof(BatchNormInference);
        int c = a.XShape.C;
        ulong px = F32(a.X, op, "x"), py = F32(a.Y, op, "y");
        ulong pm = F32(a.RunMean, op, "runMean"), pv = F32(a.RunVar, op, "runVar");
        var (scale, bias) = AffineOrIdentity(a.Gamma, a.Beta, c, op);
        float one = 1, zero = 0;
        var xd = TensorDesc(a.XShape).Handle;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationForwardInference(_cudnn.Handle, Spatial, &one, &zero, xd, px, xd, py, ChannelDesc(c).Handle,
            scale, bias, pm, pv, a.Epsilon));
    }

    /// <summary>
    /// cuDNN computes dx, dgamma and dbeta together; a missing dgamma or dbeta gets per-step scratch. Parameter
    /// gradients always accumulate (betaParamDiff = 1). Epsilon only matters to cuDNN when no saved statistics are
    /// passed; they always are here, so the value given is a placeholder cuDNN ignores.
    /// </summary>
    public void BatchNormBackward(BatchNormBackwardArgs a)
    {
        if (a.ReluOutput is null)
        {
            CudnnBatchNormBackward(a, F32(a.Dy, nameof(BatchNormBackward), "dy"));
            return;
        }
        if (BatchNormRelu == BatchNormReluKernels.Fused)
        {
            FusedBatchNormReluBackward(a);
            return;
        }
        // The ReLU's backward first (dy where the output is above zero), into scratch that cuDNN then reads as dy.
        using var gated = Workspace(a.XShape.Length * sizeof(float));
        Launch(new ReluBackwardKernel(F32(a.ReluOutput, nameof(BatchNormBackward), "reluOutput"), F32(a.Dy, nameof(BatchNormBackward), "dy"),
            gated.Pointer, a.XShape.Length, 0), LaunchShape.Linear(a.XShape.Length));
        CudnnBatchNormBackward(a, gated.Pointer);
    }

    private unsafe void CudnnBatchNormBackward(BatchNormBackwardArgs a, ulong pdy)
    {
        const string op = nameof(BatchNormBackward);
        int c = a.XShape.C;
        ulong px = F32(a.X, op, "x"), pdx = F32(a.Dx, op, "dx");
        ulong psm = F32(a.SaveMean, op, "saveMean"), psi = F32(a.SaveInvStd, op, "saveInvStd");
        ulong scale = a.Gamma is null ? ConstantOnes(c) : F32(a.Gamma, op, "gamma");
        using var scratch = Workspace(a.Dgamma is null || a.Dbeta is null ? 2L * c * sizeof(float) : 0);
        ulong pdg = a.Dgamma is null ? scratch.Pointer : F32(a.Dgamma, op, "dgamma");
        ulong pdb = a.Dbeta is null ? scratch.Pointer + (ulong)(c * sizeof(float)) : F32(a.Dbeta, op, "dbeta");
        float one = 1, dataBeta = a.Accumulate ? 1 : 0;
        var xd = TensorDesc(a.XShape).Handle;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationBackward(_cudnn.Handle, Spatial, &one, &dataBeta, &one, &one, xd, px, xd, pdy, xd, pdx,
            ChannelDesc(c).Handle, scale, pdg, pdb, 1e-5, psm, psi));
    }

    private (ulong Scale, ulong Bias) AffineOrIdentity(Storage? gamma, Storage? beta, int channels, string op)
    {
        if (gamma is null) return (ConstantOnes(channels), ConstantZeros(channels));
        return (F32(gamma, op, "gamma"), F32(beta!, op, "beta"));
    }

    private ulong ConstantOnes(int length) => _scratch.Constants(length, FillConstant).Ones;
    private ulong ConstantZeros(int length) => _scratch.Constants(length, FillConstant).Zeros;
    private void FillConstant(ulong pointer, long length, float value) => FillWords(pointer, length, BitConverter.SingleToUInt32Bits(value));
}
