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
    public unsafe void Gemm(GemmArgs g)
    {
        int m = g.M, n = g.N, k = g.K;
        ulong pa = F32(g.A, nameof(Gemm), "a"), pb = F32(g.B, nameof(Gemm), "b"), pc = F32(g.C, nameof(Gemm), "c");
        if (m == 0 || n == 0) return;
        float al = (float)g.Alpha, be = (float)g.Beta;
        if (k == 0)
        {
            // cuBLAS leaves C untouched for k = 0; the contract says C = beta C.
            Elementwise(new ScaleArgs(g.C, g.Beta, g.C, accumulate: false));
            return;
        }
        var opA = g.TransposeA ? cublasOperation_t.CUBLAS_OP_T : cublasOperation_t.CUBLAS_OP_N;
        var opB = g.TransposeB ? cublasOperation_t.CUBLAS_OP_T : cublasOperation_t.CUBLAS_OP_N;
        int lda = g.TransposeA ? m : k, ldb = g.TransposeB ? k : n;
        _device.MakeCurrent();
        _launches.CountLibraryCall();
        Check.Cublas(Cublas.cublasSgemm_v2(_cublas.Handle, opB, opA, n, m, k, &al, pb, ldb, pa, lda, &be, pc, n));
    }

    public void AddBias(AddBiasArgs a)
    {
        ulong py = F32(a.Y, nameof(AddBias), "y"), pb = F32(a.Bias, nameof(AddBias), "bias");
        if ((long)a.Rows * a.Cols == 0) return;
        Launch(new AddBiasKernel(py, pb, a.Rows, a.Cols), LaunchShape.Linear((long)a.Rows * a.Cols));
    }

    public void BiasBackward(BiasBackwardArgs a)
    {
        ulong pdy = F32(a.Dy, nameof(BiasBackward), "dy"), pdb = F32(a.Dbias, nameof(BiasBackward), "dbias");
        int acc = Flag(a.Accumulate);
        if (a.Cols == 0) return;
        Launch(new BiasBackwardKernel(pdy, a.Rows, a.Cols, pdb, acc), LaunchShape.Linear(a.Cols, 128));
    }
}
