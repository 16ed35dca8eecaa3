using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Batch norm through cuDNN's spatial mode (per channel over N, H, W). cuDNN's conventions match the contract:
// the running mean/variance factor is PyTorch's momentum, the running variance is unbiased, and the saved
// inverse variance is 1 / sqrt(var + eps). Norms without affine parameters pass constant ones and zeros.
public sealed partial class CudaBackend
{
    private const cudnnBatchNormMode_t Spatial = cudnnBatchNormMode_t.CUDNN_BATCHNORM_SPATIAL;

    public unsafe void BatchNormTraining(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double momentum, double epsilon, Storage y, Storage saveMean, Storage saveInvStd)
    {
        const string op = nameof(BatchNormTraining);
        int c = xShape.C;
        ulong px = F32(x, op, "x", xShape.Length), py = F32(y, op, "y", xShape.Length);
        ulong pm = F32(runMean, op, "runMean", c), pv = F32(runVar, op, "runVar", c);
        ulong psm = F32(saveMean, op, "saveMean", c), psi = F32(saveInvStd, op, "saveInvStd", c);
        var (scale, bias) = AffineOrIdentity(gamma, beta, c, op);
        float one = 1, zero = 0;
        var xd = TensorDesc(xShape).Handle;
        _device.MakeCurrent();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationForwardTraining(_cudnn.Handle, Spatial, &one, &zero, xd, px, xd, py, ChannelDesc(c).Handle,
            scale, bias, momentum, pm, pv, epsilon, psm, psi));
    }

    public unsafe void BatchNormInference(Shape4 xShape, Storage x, Storage? gamma, Storage? beta, Storage runMean, Storage runVar,
        double epsilon, Storage y)
    {
        const string op = nameof(BatchNormInference);
        int c = xShape.C;
        ulong px = F32(x, op, "x", xShape.Length), py = F32(y, op, "y", xShape.Length);
        ulong pm = F32(runMean, op, "runMean", c), pv = F32(runVar, op, "runVar", c);
        var (scale, bias) = AffineOrIdentity(gamma, beta, c, op);
        float one = 1, zero = 0;
        var xd = TensorDesc(xShape).Handle;
        _device.MakeCurrent();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationForwardInference(_cudnn.Handle, Spatial, &one, &zero, xd, px, xd, py, ChannelDesc(c).Handle,
            scale, bias, pm, pv, epsilon));
    }

    /// <summary>
    /// cuDNN computes dx, dgamma and dbeta together; a missing dgamma or dbeta gets per-step scratch. Parameter
    /// gradients always accumulate (betaParamDiff = 1). Epsilon only matters to cuDNN when no saved statistics are
    /// passed; they always are here, so the value given is a placeholder cuDNN ignores.
    /// </summary>
    public unsafe void BatchNormBackward(Shape4 xShape, Storage x, Storage dy, Storage? gamma, Storage saveMean, Storage saveInvStd,
        Storage dx, Storage? dgamma, Storage? dbeta, bool accumulate)
    {
        const string op = nameof(BatchNormBackward);
        int c = xShape.C;
        ulong px = F32(x, op, "x", xShape.Length), pdy = F32(dy, op, "dy", xShape.Length), pdx = F32(dx, op, "dx", xShape.Length);
        ulong psm = F32(saveMean, op, "saveMean", c), psi = F32(saveInvStd, op, "saveInvStd", c);
        ulong scale = gamma is null ? ConstantOnes(c) : F32(gamma, op, "gamma", c);
        using var scratch = Workspace(dgamma is null || dbeta is null ? 2L * c * sizeof(float) : 0);
        ulong pdg = dgamma is null ? scratch.Pointer : F32(dgamma, op, "dgamma", c);
        ulong pdb = dbeta is null ? scratch.Pointer + (ulong)(c * sizeof(float)) : F32(dbeta, op, "dbeta", c);
        float one = 1, dataBeta = accumulate ? 1 : 0;
        var xd = TensorDesc(xShape).Handle;
        _device.MakeCurrent();
        Check.Cudnn(Cudnn.cudnnBatchNormalizationBackward(_cudnn.Handle, Spatial, &one, &dataBeta, &one, &one, xd, px, xd, pdy, xd, pdx,
            ChannelDesc(c).Handle, scale, pdg, pdb, 1e-5, psm, psi));
    }

    private (ulong Scale, ulong Bias) AffineOrIdentity(Storage? gamma, Storage? beta, int channels, string op)
    {
        if ((gamma is null) != (beta is null)) throw new ArgumentException($"{op}: give both gamma and beta, or neither");
        if (gamma is null) return (ConstantOnes(channels), ConstantZeros(channels));
        return (F32(gamma, op, "gamma", channels), F32(beta!, op, "beta", channels));
    }

    private ulong ConstantOnes(int length) => _scratch.Constants(length, FillConstant).Ones;
    private ulong ConstantZeros(int length) => _scratch.Constants(length, FillConstant).Zeros;
    private void FillConstant(ulong pointer, long length, float value) => FillWords(pointer, length, BitConverter.SingleToUInt32Bits(value));
}
