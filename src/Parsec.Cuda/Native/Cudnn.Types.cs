using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

// Enum values are those of the cuDNN 9 headers (cudnn_graph.h, cudnn_ops.h, cudnn_cnn.h); the tests pin them.

internal enum cudnnDataType_t { CUDNN_DATA_FLOAT = 0, CUDNN_DATA_DOUBLE = 1, CUDNN_DATA_HALF = 2, CUDNN_DATA_INT32 = 4, CUDNN_DATA_BFLOAT16 = 9 }

internal enum cudnnTensorFormat_t { CUDNN_TENSOR_NCHW = 0, CUDNN_TENSOR_NHWC = 1 }

/// <summary>Tensor cores only with TENSOR_OP (1) or TENSOR_OP_ALLOW_CONVERSION (2); FMA (3) keeps fp32 accuracy.</summary>
internal enum cudnnMathType_t { CUDNN_DEFAULT_MATH = 0, CUDNN_TENSOR_OP_MATH = 1, CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION = 2, CUDNN_FMA_MATH = 3 }

/// <summary>CROSS_CORRELATION is what deep-learning frameworks call convolution.</summary>
internal enum cudnnConvolutionMode_t { CUDNN_CONVOLUTION = 0, CUDNN_CROSS_CORRELATION = 1 }

internal enum cudnnNanPropagation_t { CUDNN_NOT_PROPAGATE_NAN = 0, CUDNN_PROPAGATE_NAN = 1 }

internal enum cudnnPoolingMode_t
{
    CUDNN_POOLING_MAX = 0,
    CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING = 1,
    CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING = 2,
    CUDNN_POOLING_MAX_DETERMINISTIC = 3,
}

internal enum cudnnBatchNormMode_t { CUDNN_BATCHNORM_PER_ACTIVATION = 0, CUDNN_BATCHNORM_SPATIAL = 1, CUDNN_BATCHNORM_SPATIAL_PERSISTENT = 2 }

internal enum cudnnDeterminism_t { CUDNN_NON_DETERMINISTIC = 0, CUDNN_DETERMINISTIC = 1 }

internal enum cudnnConvolutionFwdAlgo_t
{
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM = 0,
    CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM = 1,
    CUDNN_CONVOLUTION_FWD_ALGO_GEMM = 2,
    CUDNN_CONVOLUTION_FWD_ALGO_DIRECT = 3,
    CUDNN_CONVOLUTION_FWD_ALGO_FFT = 4,
    CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING = 5,
    CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD = 6,
    CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED = 7,
    CUDNN_CONVOLUTION_FWD_ALGO_COUNT = 8,
}

internal enum cudnnConvolutionBwdDataAlgo_t
{
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_0 = 0,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_1 = 1,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT = 2,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING = 3,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD = 4,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_WINOGRAD_NONFUSED = 5,
    CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT = 6,
}

internal enum cudnnConvolutionBwdFilterAlgo_t
{
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_0 = 0,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1 = 1,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT = 2,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3 = 3,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD = 4,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_WINOGRAD_NONFUSED = 5,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING = 6,
    CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT = 7,
}

/// <summary>cudnnConvolutionFwdAlgoPerf_t: {algo; status; float time; size_t memory; determinism; mathType; int reserved[3]} = 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct cudnnConvolutionFwdAlgoPerf_t
{
    public cudnnConvolutionFwdAlgo_t algo;
    public int status;
    public float time;
    public nuint memory;
    public cudnnDeterminism_t determinism;
    public cudnnMathType_t mathType;
    public fixed int reserved[3];
}

/// <summary>cudnnConvolutionBwdDataAlgoPerf_t: same layout as the forward struct, 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct cudnnConvolutionBwdDataAlgoPerf_t
{
    public cudnnConvolutionBwdDataAlgo_t algo;
    public int status;
    public float time;
    public nuint memory;
    public cudnnDeterminism_t determinism;
    public cudnnMathType_t mathType;
    public fixed int reserved[3];
}

/// <summary>cudnnConvolutionBwdFilterAlgoPerf_t: same layout as the forward struct, 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct cudnnConvolutionBwdFilterAlgoPerf_t
{
    public cudnnConvolutionBwdFilterAlgo_t algo;
    public int status;
    public float time;
    public nuint memory;
    public cudnnDeterminism_t determinism;
    public cudnnMathType_t mathType;
    public fixed int reserved[3];
}
