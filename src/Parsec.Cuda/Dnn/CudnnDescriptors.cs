using Parsec.Cuda.Native;

namespace Parsec.Cuda.Dnn;

/// <summary>A 4-D NCHW float tensor descriptor.</summary>
internal sealed unsafe class TensorDescriptor : IDisposable
{
    public TensorDescriptor(int n, int c, int h, int w, cudnnDataType_t dataType = cudnnDataType_t.CUDNN_DATA_FLOAT)
    {
        nint d = 0;
        Check.Cudnn(Cudnn.cudnnCreateTensorDescriptor(&d));
        Handle = d;
        Check.Cudnn(Cudnn.cudnnSetTensor4dDescriptor(d, cudnnTensorFormat_t.CUDNN_TENSOR_NCHW, dataType, n, c, h, w));
    }

    public nint Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuDNN tensor descriptor 0x{h:x}", () => Check.Cudnn(Cudnn.cudnnDestroyTensorDescriptor(h)));
    }

    ~TensorDescriptor() => HandleRelease.Finalized(this, $"cuDNN tensor descriptor 0x{Handle:x}", Handle != 0);
}

/// <summary>A KCRS (out channels, in channels per group, kernel rows, kernel columns) float filter descriptor.</summary>
internal sealed unsafe class FilterDescriptor : IDisposable
{
    public FilterDescriptor(int k, int c, int h, int w)
    {
        nint d = 0;
        Check.Cudnn(Cudnn.cudnnCreateFilterDescriptor(&d));
        Handle = d;
        Check.Cudnn(Cudnn.cudnnSetFilter4dDescriptor(d, cudnnDataType_t.CUDNN_DATA_FLOAT, cudnnTensorFormat_t.CUDNN_TENSOR_NCHW, k, c, h, w));
    }

    public nint Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuDNN filter descriptor 0x{h:x}", () => Check.Cudnn(Cudnn.cudnnDestroyFilterDescriptor(h)));
    }

    ~FilterDescriptor() => HandleRelease.Finalized(this, $"cuDNN filter descriptor 0x{Handle:x}", Handle != 0);
}

/// <summary>A 2-D cross-correlation ("convolution" in deep learning) with fp32 compute, groups and a math type.</summary>
internal sealed unsafe class ConvolutionDescriptor : IDisposable
{
    public ConvolutionDescriptor(int paddingH, int paddingW, int strideH, int strideW, int dilation, int groups, cudnnMathType_t mathType)
    {
        nint d = 0;
        Check.Cudnn(Cudnn.cudnnCreateConvolutionDescriptor(&d));
        Handle = d;
        Check.Cudnn(Cudnn.cudnnSetConvolution2dDescriptor(d, paddingH, paddingW, strideH, strideW, dilation, dilation,
            cudnnConvolutionMode_t.CUDNN_CROSS_CORRELATION, cudnnDataType_t.CUDNN_DATA_FLOAT));
        if (groups > 1) Check.Cudnn(Cudnn.cudnnSetConvolutionGroupCount(d, groups));
        Check.Cudnn(Cudnn.cudnnSetConvolutionMathType(d, mathType));
    }

    public nint Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuDNN convolution descriptor 0x{h:x}", () => Check.Cudnn(Cudnn.cudnnDestroyConvolutionDescriptor(h)));
    }

    ~ConvolutionDescriptor() => HandleRelease.Finalized(this, $"cuDNN convolution descriptor 0x{Handle:x}", Handle != 0);
}

/// <summary>A square 2-D pooling window.</summary>
internal sealed unsafe class PoolingDescriptor : IDisposable
{
    public PoolingDescriptor(cudnnPoolingMode_t mode, int window, int padding, int stride)
    {
        nint d = 0;
        Check.Cudnn(Cudnn.cudnnCreatePoolingDescriptor(&d));
        Handle = d;
        Check.Cudnn(Cudnn.cudnnSetPooling2dDescriptor(d, mode, cudnnNanPropagation_t.CUDNN_PROPAGATE_NAN, window, window, padding, padding, stride, stride));
    }

    public nint Handle { get; private set; }

    public void Dispose()
    {
        if (Handle == 0) return;
        nint h = Handle;
        Handle = 0;
        HandleRelease.Dispose(this, $"cuDNN pooling descriptor 0x{h:x}", () => Check.Cudnn(Cudnn.cudnnDestroyPoolingDescriptor(h)));
    }

    ~PoolingDescriptor() => HandleRelease.Finalized(this, $"cuDNN pooling descriptor 0x{Handle:x}", Handle != 0);
}
