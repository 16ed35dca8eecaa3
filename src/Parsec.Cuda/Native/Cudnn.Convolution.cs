using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>cuDNN 9 legacy convolution API (cudnn_cnn.h).</summary>
internal static unsafe partial class Cudnn
{
    [LibraryImport(Library)] public static partial int cudnnCreateConvolutionDescriptor(nint* convDesc);
    [LibraryImport(Library)] public static partial int cudnnDestroyConvolutionDescriptor(nint convDesc);
    [LibraryImport(Library)]
    public static partial int cudnnSetConvolution2dDescriptor(nint convDesc, int pad_h, int pad_w, int u, int v,
        int dilation_h, int dilation_w, cudnnConvolutionMode_t mode, cudnnDataType_t computeType);
    [LibraryImport(Library)] public static partial int cudnnSetConvolutionGroupCount(nint convDesc, int groupCount);
    [LibraryImport(Library)] public static partial int cudnnSetConvolutionMathType(nint convDesc, cudnnMathType_t mathType);

    [LibraryImport(Library)]
    public static partial int cudnnFindConvolutionForwardAlgorithmEx(nint handle, nint xDesc, ulong x, nint wDesc, ulong w,
        nint convDesc, nint yDesc, ulong y, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults,
        ulong workSpace, nuint workSpaceSizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionForwardAlgorithm_v7(nint handle, nint srcDesc, nint filterDesc, nint convDesc, nint destDesc,
        int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionFwdAlgoPerf_t* perfResults);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionForwardWorkspaceSize(nint handle, nint xDesc, nint wDesc, nint convDesc, nint yDesc,
        cudnnConvolutionFwdAlgo_t algo, nuint* sizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnConvolutionForward(nint handle, float* alpha, nint xDesc, ulong x, nint wDesc, ulong w, nint convDesc,
        cudnnConvolutionFwdAlgo_t algo, ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint yDesc, ulong y);

    [LibraryImport(Library)]
    public static partial int cudnnFindConvolutionBackwardDataAlgorithmEx(nint handle, nint wDesc, ulong w, nint dyDesc, ulong dy,
        nint convDesc, nint dxDesc, ulong dx, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults,
        ulong workSpace, nuint workSpaceSizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionBackwardDataAlgorithm_v7(nint handle, nint filterDesc, nint diffDesc, nint convDesc, nint gradDesc,
        int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdDataAlgoPerf_t* perfResults);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionBackwardDataWorkspaceSize(nint handle, nint wDesc, nint dyDesc, nint convDesc, nint dxDesc,
        cudnnConvolutionBwdDataAlgo_t algo, nuint* sizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnConvolutionBackwardData(nint handle, float* alpha, nint wDesc, ulong w, nint dyDesc, ulong dy, nint convDesc,
        cudnnConvolutionBwdDataAlgo_t algo, ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint dxDesc, ulong dx);

    [LibraryImport(Library)]
    public static partial int cudnnFindConvolutionBackwardFilterAlgorithmEx(nint handle, nint xDesc, ulong x, nint dyDesc, ulong y,
        nint convDesc, nint dwDesc, ulong dw, int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults,
        ulong workSpace, nuint workSpaceSizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionBackwardFilterAlgorithm_v7(nint handle, nint srcDesc, nint diffDesc, nint convDesc, nint gradDesc,
        int requestedAlgoCount, int* returnedAlgoCount, cudnnConvolutionBwdFilterAlgoPerf_t* perfResults);
    [LibraryImport(Library)]
    public static partial int cudnnGetConvolutionBackwardFilterWorkspaceSize(nint handle, nint xDesc, nint dyDesc, nint convDesc, nint gradDesc,
        cudnnConvolutionBwdFilterAlgo_t algo, nuint* sizeInBytes);
    [LibraryImport(Library)]
    public static partial int cudnnConvolutionBackwardFilter(nint handle, float* alpha, nint xDesc, ulong x, nint dyDesc, ulong dy, nint convDesc,
        cudnnConvolutionBwdFilterAlgo_t algo, ulong workSpace, nuint workSpaceSizeInBytes, float* beta, nint dwDesc, ulong dw);
}
