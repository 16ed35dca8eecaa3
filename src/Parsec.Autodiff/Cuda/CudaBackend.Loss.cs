using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Softmax cross-entropy: kernels/loss.cu, one warp per row.
public sealed partial class CudaBackend
{
    /// <summary>
    /// Also checks the labels: the kernel raises a device flag for a label outside [0, classes), read back here.
    /// The read waits for the stream, which costs nothing extra because the caller reads the log-likelihoods next.
    /// </summary>
    public void SoftmaxCrossEntropy(SoftmaxCrossEntropyArgs a)
    {
        const string op = nameof(SoftmaxCrossEntropy);
        int rows = a.Rows, classes = a.Classes;
        ulong pz = F32(a.Logits, op, "logits"), pl = I32(a.Labels, op, "labels");
        ulong pp = F32(a.Probs, op, "probs"), pll = F32(a.LogLikelihood, op, "logLikelihood");
        if (rows == 0) return;
        ulong flag = _scratch.Flag;
        FillWords(flag, 1, 0);
        Launch(new SoftmaxXentForwardKernel(pz, pl, rows, classes, pp, pll, flag),
            LaunchShape.PerRow((rows + WarpsPerBlock - 1) / WarpsPerBlock, WarpsPerBlock * 32));
        if (ReadInt(flag) != 0)
        {
            var host = new int[rows];
            CopyOut(a.Labels, host);
            int bad = 0;
            while (bad < rows - 1 && host[bad] >= 0 && host[bad] < classes) bad++;
            throw new ArgumentException($"{op}: label {host[bad]} of row {bad} is outside [0, {classes})");
        }
    }

    public void SoftmaxCrossEntropyBackward(SoftmaxCrossEntropyBackwardArgs a)
    {
        const string op = nameof(SoftmaxCrossEntropyBackward);
        long n = (long)a.Rows * a.Classes;
        ulong pp = F32(a.Probs, op, "probs"), pl = I32(a.Labels, op, "labels"), pw = F32(a.RowWeight, op, "rowWeight");
        ulong pd = F32(a.Dlogits, op, "dlogits");
        int acc = Flag(a.Accumulate);
        if (n == 0) return;
        Launch(new SoftmaxXentBackwardKernel(pp, pl, pw, a.Rows, a.Classes, pd, acc), LaunchShape.Linear(n));
    }

    /// <summary>Reads one int from the device through pinned memory, waiting for the stream.</summary>
    private unsafe int ReadInt(ulong pointer)
    {
        _device.MakeCurrent();
        Check.Cuda(Driver.cuMemcpyDtoHAsync_v2(_scratch.Host.Pointer, pointer, sizeof(int), _stream.Handle));
        _stream.Synchronize();
        return *(int*)_scratch.Host.Pointer;
    }

    private unsafe double ReadDouble(ulong pointer)
    {
        _device.MakeCurrent();
        Check.Cuda(Driver.cuMemcpyDtoHAsync_v2(_scratch.Host.Pointer, pointer, sizeof(double), _stream.Handle));
        _stream.Synchronize();
        return *(double*)_scratch.Host.Pointer;
    }
}
