using Parsec.Cuda;
using Parsec.Cuda.Compilation;
using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

// Matrix products through cuBLAS (column-major) and the bias kernels of kernels/dense.cu.
public sealed partial class CudaBackend
{
    /// <summary>
    /// Row-major C (m, n) = alpha op(A) op(B) + beta C. A row-major (r, c) buffer is the column-major (c, r) matrix
    /// of its transpose, so cuBLAS computes C^T (n, m) = op(B)^T op(A)^T with B first: B's buffer is op(B)^T as is
    /// when B is not transposed (ld = n) and needs op T when it is (stored (n, k), ld = k); likewise for A.
    /// </summary>
    public unsafe void Gemm(bool transposeA, bool transposeB, int m, int n, int k, double alpha, Storage a, Storage b, double beta, Storage c)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException($"Gemm: negative size m={m} n={n} k={k}");
        ulong pa = F32(a, nameof(Gemm), "a", (long)m * k), pb = F32(b, nameof(Gemm), "b", (long)k * n), pc = F32(c, nameof(Gemm), "c", (long)m * n);
        if (m == 0 || n == 0) return;
        float al = (float)alpha, be = (float)beta;
        if (k == 0)
        {
            // cuBLAS leaves C untouched for k = 0; the contract says C = beta C.
            Scale(c, beta, c, accumulate: false);
            return;
        }
        var opA = transposeA ? cublasOperation_t.CUBLAS_OP_T : cublasOperation_t.CUBLAS_OP_N;
        var opB = transposeB ? cublasOperation_t.CUBLAS_OP_T : cublasOperation_t.CUBLAS_OP_N;
        int lda = transposeA ? m : k, ldb = transposeB ? k : n;
        _device.MakeCurrent();
        Check.Cublas(Cublas.cublasSgemm_v2(_cublas.Handle, opB, opA, n, m, k, &al, pb, ldb, pa, lda, &be, pc, n));
    }

    public void AddBias(Storage y, Storage bias, int rows, int cols)
    {
        ulong py = F32(y, nameof(AddBias), "y", (long)rows * cols), pb = F32(bias, nameof(AddBias), "bias", cols);
        if ((long)rows * cols == 0) return;
        Launch(new AddBiasKernel(py, pb, rows, cols), LaunchShape.Linear((long)rows * cols));
    }

    public void BiasBackward(Storage dy, int rows, int cols, Storage dbias, bool accumulate)
    {
        ulong pdy = F32(dy, nameof(BiasBackward), "dy", (long)rows * cols), pdb = F32(dbias, nameof(BiasBackward), "dbias", cols);
        int acc = Flag(accumulate);
        if (cols == 0) return;
        Launch(new BiasBackwardKernel(pdy, rows, cols, pdb, acc), LaunchShape.Linear(cols, 128));
    }
}
