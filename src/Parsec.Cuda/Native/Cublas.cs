using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>
/// cuBLAS (v2 API, column-major). Device pointers are passed as 64-bit integers (void* / float* in C; Linux x64).
/// alpha and beta point to host floats (the default CUBLAS_POINTER_MODE_HOST).
/// </summary>
internal static unsafe partial class Cublas
{
    public const string Library = "cublas";

    static Cublas() => NativeLibraries.EnsureResolver();

    [LibraryImport(Library)] public static partial int cublasCreate_v2(nint* handle);
    [LibraryImport(Library)] public static partial int cublasDestroy_v2(nint handle);
    [LibraryImport(Library)] public static partial int cublasGetVersion_v2(nint handle, int* version);
    [LibraryImport(Library)] public static partial int cublasSetStream_v2(nint handle, nint streamId);
    /// <summary>Makes cuBLAS use caller-owned device memory as its workspace instead of allocating its own.</summary>
    [LibraryImport(Library)] public static partial int cublasSetWorkspace_v2(nint handle, ulong workspace, nuint workspaceSizeInBytes);
    [LibraryImport(Library)] public static partial int cublasSetMathMode(nint handle, cublasMath_t mode);
    [LibraryImport(Library)] public static partial nint cublasGetStatusName(int status);
    [LibraryImport(Library)] public static partial nint cublasGetStatusString(int status);

    [LibraryImport(Library)]
    public static partial int cublasSgemm_v2(nint handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n, int k,
        float* alpha, ulong A, int lda, ulong B, int ldb, float* beta, ulong C, int ldc);
}

/// <summary>cublasOperation_t (cublas_api.h).</summary>
internal enum cublasOperation_t
{
    CUBLAS_OP_N = 0,
    CUBLAS_OP_T = 1,
    CUBLAS_OP_C = 2,
}

/// <summary>cublasMath_t (cublas_api.h). Flags combine with |: DISALLOW_REDUCED_PRECISION_REDUCTION is a flag bit.</summary>
[Flags]
internal enum cublasMath_t
{
    CUBLAS_DEFAULT_MATH = 0,
    CUBLAS_PEDANTIC_MATH = 2,
    CUBLAS_TF32_TENSOR_OP_MATH = 3,
    CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION = 16,
}
