using System.Runtime.CompilerServices;
using NUnit.Framework;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda;
using Parsec.Cuda.Native;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Struct sizes and enum values of the bindings against the C headers (cuDNN 9, cuBLAS, CUDA driver) and
/// kernels/optimizer.cu and weighted_sum.cu: a wrong size or value here would corrupt memory or select the wrong mode on the GPU.
/// </summary>
[TestFixture]
public class BindingLayoutTests
{
    [Test]
    public void CudnnPerfStructsAre48Bytes()
    {
        Assert.That(Unsafe.SizeOf<cudnnConvolutionFwdAlgoPerf_t>(), Is.EqualTo(48));
        Assert.That(Unsafe.SizeOf<cudnnConvolutionBwdDataAlgoPerf_t>(), Is.EqualTo(48));
        Assert.That(Unsafe.SizeOf<cudnnConvolutionBwdFilterAlgoPerf_t>(), Is.EqualTo(48));
        // {algo; status; time} then size_t memory at offset 16 (8-byte aligned), determinism at 24, mathType at 28.
        var p = new cudnnConvolutionFwdAlgoPerf_t();
        Assert.That(Offset(ref p, ref p.memory), Is.EqualTo(16));
        Assert.That(Offset(ref p, ref Unsafe.As<cudnnDeterminism_t, byte>(ref p.determinism)), Is.EqualTo(24));
        Assert.That(Offset(ref p, ref Unsafe.As<cudnnMathType_t, byte>(ref p.mathType)), Is.EqualTo(28));
    }

    [Test]
    public void TensorSlotsMatchTheKernelLayout()
    {
        // 32 slots: a pointer array and a length array of 256 bytes each, 33 ints of block starts, the count.
        Assert.That(Unsafe.SizeOf<TensorSlots>(), Is.EqualTo(256 + 256 + 33 * 4 + 4));
        Assert.That(KernelSources.Load("multi_tensor.cu").Text, Does.Contain($"#define PARSEC_MT_SLOTS {TensorSlots.Capacity}"));
    }

    [Test]
    public void OptimizerSlotStructsMatchTheKernelLayout()
    {
        // 16 slots: pointer arrays of 128 bytes each, a 128-byte length array, 17 ints of block starts, the count.
        Assert.That(Unsafe.SizeOf<SgdSlots>(), Is.EqualTo(3 * 128 + 128 + 17 * 4 + 4));
        Assert.That(Unsafe.SizeOf<AdamSlots>(), Is.EqualTo(4 * 128 + 128 + 17 * 4 + 4));
        string source = KernelSources.Load("optimizer.cu").Text;
        Assert.That(source, Does.Contain($"#define PARSEC_OPT_SLOTS {SgdSlots.Capacity}"));
        Assert.That(source, Does.Contain("#define PARSEC_OPT_CHUNK 4096"));
    }

    [Test]
    public void WeightedSumSlotsMatchTheKernelLayout()
    {
        // 16 source pointers, 16 double weights, the count padded to 8 bytes (the struct holds doubles).
        Assert.That(Unsafe.SizeOf<WeightedSumSlots>(), Is.EqualTo(128 + 128 + 8));
        string source = KernelSources.Load("weighted_sum.cu").Text;
        Assert.That(source, Does.Contain($"#define PARSEC_SUM_SLOTS {WeightedSumSlots.Capacity}"));
        Assert.That(source, Does.Contain("const float* source[PARSEC_SUM_SLOTS];").And.Contain("double weight[PARSEC_SUM_SLOTS];"));
    }

    [Test]
    public void DepthwiseGeometryMatchesTheKernelStruct()
    {
        Assert.That(Unsafe.SizeOf<DepthwiseGeometry>(), Is.EqualTo(10 * sizeof(int)));
        string source = KernelSources.Load("depthwise.cu").Text;
        Assert.That(source, Does.Contain("int n, c, h, w;").And.Contain("int oh, ow;").And.Contain("int k, stride, pad, dilation;"));
        Assert.That(source, Does.Contain("#define PARSEC_DW_THREADS 256"));
    }

    [Test]
    public void CudnnEnumsHaveTheHeaderValues()
    {
        Assert.That((int)cudnnDataType_t.CUDNN_DATA_FLOAT, Is.EqualTo(0));
        Assert.That((int)cudnnDataType_t.CUDNN_DATA_DOUBLE, Is.EqualTo(1));
        Assert.That((int)cudnnDataType_t.CUDNN_DATA_HALF, Is.EqualTo(2));
        Assert.That((int)cudnnDataType_t.CUDNN_DATA_BFLOAT16, Is.EqualTo(9));
        Assert.That((int)cudnnTensorFormat_t.CUDNN_TENSOR_NCHW, Is.EqualTo(0));
        Assert.That((int)cudnnTensorFormat_t.CUDNN_TENSOR_NHWC, Is.EqualTo(1));
        Assert.That((int)cudnnConvolutionMode_t.CUDNN_CROSS_CORRELATION, Is.EqualTo(1));
        Assert.That((int)cudnnMathType_t.CUDNN_DEFAULT_MATH, Is.EqualTo(0));
        Assert.That((int)cudnnMathType_t.CUDNN_TENSOR_OP_MATH, Is.EqualTo(1));
        Assert.That((int)cudnnMathType_t.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION, Is.EqualTo(2));
        Assert.That((int)cudnnMathType_t.CUDNN_FMA_MATH, Is.EqualTo(3));
        Assert.That((int)cudnnPoolingMode_t.CUDNN_POOLING_MAX, Is.EqualTo(0));
        Assert.That((int)cudnnPoolingMode_t.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING, Is.EqualTo(1));
        Assert.That((int)cudnnPoolingMode_t.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING, Is.EqualTo(2));
        Assert.That((int)cudnnPoolingMode_t.CUDNN_POOLING_MAX_DETERMINISTIC, Is.EqualTo(3));
        Assert.That((int)cudnnBatchNormMode_t.CUDNN_BATCHNORM_SPATIAL, Is.EqualTo(1));
        Assert.That((int)cudnnConvolutionFwdAlgo_t.CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED, Is.EqualTo(7));
        Assert.That((int)cudnnConvolutionFwdAlgo_t.CUDNN_CONVOLUTION_FWD_ALGO_COUNT, Is.EqualTo(8));
        Assert.That((int)cudnnConvolutionBwdDataAlgo_t.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, Is.EqualTo(6));
        Assert.That((int)cudnnConvolutionBwdFilterAlgo_t.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING, Is.EqualTo(6));
        Assert.That((int)cudnnConvolutionBwdFilterAlgo_t.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, Is.EqualTo(7));
    }

    [Test]
    public void CublasAndDriverEnumsHaveTheHeaderValues()
    {
        Assert.That((int)cublasOperation_t.CUBLAS_OP_N, Is.EqualTo(0));
        Assert.That((int)cublasOperation_t.CUBLAS_OP_T, Is.EqualTo(1));
        Assert.That((int)cublasMath_t.CUBLAS_DEFAULT_MATH, Is.EqualTo(0));
        Assert.That((int)cublasMath_t.CUBLAS_PEDANTIC_MATH, Is.EqualTo(2));
        Assert.That((int)cublasMath_t.CUBLAS_TF32_TENSOR_OP_MATH, Is.EqualTo(3));
        Assert.That((int)cublasMath_t.CUBLAS_MATH_DISALLOW_REDUCED_PRECISION_REDUCTION, Is.EqualTo(16));
        Assert.That((int)CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, Is.EqualTo(16));
        Assert.That((int)CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, Is.EqualTo(75));
        Assert.That((int)CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, Is.EqualTo(76));
        Assert.That((int)CUjit_option.CU_JIT_ERROR_LOG_BUFFER, Is.EqualTo(5));
        Assert.That((int)CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, Is.EqualTo(6));
    }

    [Test]
    public void CudnnStatusNamesFollowTheVersion9Numbering()
    {
        Assert.That(CudnnStatusNames.NameOf(0), Is.EqualTo("CUDNN_STATUS_SUCCESS"));
        Assert.That(CudnnStatusNames.NameOf(2000), Is.EqualTo("CUDNN_STATUS_BAD_PARAM"));
        Assert.That(CudnnStatusNames.NameOf(3007), Is.EqualTo("CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH"));
        Assert.That(CudnnStatusNames.NameOf(5000), Is.EqualTo("CUDNN_STATUS_EXECUTION_FAILED"));
        Assert.That(CudnnStatusNames.NameOf(3999), Does.StartWith("CUDNN_STATUS_NOT_SUPPORTED").And.Contain("999"));
    }

    [Test]
    public void ExceptionsCarryTheStatusAndTheCallSite()
    {
        var e = new CudnnException(3000, CudnnStatusNames.NameOf(3000), "not supported", new Parsec.Cuda.CallSite("Cudnn.cudnnConvolutionForward(h, ...)", "/src/Conv.cs", 42));
        Assert.That(e.Message, Does.Contain("CUDNN_STATUS_NOT_SUPPORTED").And.Contain("(3000)").And.Contain("Conv.cs:42").And.Contain("cudnnConvolutionForward"));
        Assert.That(e.Library, Is.EqualTo("cuDNN"));
    }

    private static long Offset<T, TField>(ref T owner, ref TField field) =>
        Unsafe.ByteOffset(ref Unsafe.As<T, byte>(ref owner), ref Unsafe.As<TField, byte>(ref field));
}
