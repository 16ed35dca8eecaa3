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
    public void SoftmaxCrossEntropy(Storage logits, Storage labels, int rows, int classes, Storage probs, Storage logLikelihood)
    {
        const string op = nameof(SoftmaxCrossEntropy);
        if (rows < 0 || classes < 1) throw new ArgumentException($"{op}: {rows} rows of {classes} classes");
        ulong pz = F32(logits, op, "logits", (long)rows * classes), pl = I32(labels, op, "labels", rows);
        ulong pp = F32(probs, op, "probs", (long)rows * classes), pll = F32(logLikelihood, op, "logLikelihood", rows);
        if (rows == 0) return;
        ulong flag = _scratch.Flag;
        FillWords(flag, 1, 0);
        Launch(new SoftmaxXentForwardKernel(pz, pl, rows, classes, pp, pll, flag),
            LaunchShape.PerRow((rows + WarpsPerBlock - 1) / WarpsPerBlock, WarpsPerBlock * 32));
        if (ReadInt(flag) != 0)
        {
            var host = new int[rows];
            CopyOut(labels, host);
            int bad = 0;
            while (bad < rows - 1 && host[bad] >= 0 && host[bad] < classes) bad++;
            throw new ArgumentException($"{op}: label {host[bad]} of row {bad} is outside [0, {classes})");
        }
    }

    public void SoftmaxCrossEntropyBackward(Storage probs, Storage labels, Storage rowWeight, int rows, int classes, Storage dlogits, bool accumulate)
    {
        const string op = nameof(SoftmaxCrossEntropyBackward);
        long n = (long)rows * classes;
        ulong pp = F32(probs, op, "probs", n), pl = I32(labels, op, "labels", rows), pw = F32(rowWeight, op, "rowWeight", rows);
        ulong pd = F32(dlogits, op, "dlogits", n);
        int acc = Flag(accumulate);
        if (n == 0) return;
        Launch(new SoftmaxXentBackwardKernel(pp, pl, pw, rows, classes, pd, acc), LaunchShape.Linear(n));
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
