using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>cuDNN 9 legacy pooling and batch-normalisation API (cudnn_ops.h).</summary>
internal static unsafe partial class Cudnn
{
    [LibraryImport(Library)] public static partial int cudnnCreatePoolingDescriptor(nint* poolingDesc);
    [LibraryImport(Library)] public static partial int cudnnDestroyPoolingDescriptor(nint poolingDesc);
    [LibraryImport(Library)]
    public static partial int cudnnSetPooling2dDescriptor(nint poolingDesc, cudnnPoolingMode_t mode, cudnnNanPropagation_t maxpoolingNanOpt,
        int windowHeight, int windowWidth, int verticalPadding, int horizontalPadding, int verticalStride, int horizontalStride);
    [LibraryImport(Library)]
    public static partial int cudnnPoolingForward(nint handle, nint poolingDesc, float* alpha, nint xDesc, ulong x, float* beta, nint yDesc, ulong y);
    [LibraryImport(Library)]
    public static partial int cudnnPoolingBackward(nint handle, nint poolingDesc, float* alpha, nint yDesc, ulong y, nint dyDesc, ulong dy,
        nint xDesc, ulong x, float* beta, nint dxDesc, ulong dx);

    /// <summary>runningMean = factor * mean + (1 - factor) * runningMean; runningVariance uses the unbiased batch variance.</summary>
    [LibraryImport(Library)]
    public static partial int cudnnBatchNormalizationForwardTraining(nint handle, cudnnBatchNormMode_t mode, float* alpha, float* beta,
        nint xDesc, ulong x, nint yDesc, ulong y, nint bnScaleBiasMeanVarDesc, ulong bnScale, ulong bnBias,
        double exponentialAverageFactor, ulong resultRunningMean, ulong resultRunningVariance, double epsilon,
        ulong resultSaveMean, ulong resultSaveInvVariance);
    [LibraryImport(Library)]
    public static partial int cudnnBatchNormalizationForwardInference(nint handle, cudnnBatchNormMode_t mode, float* alpha, float* beta,
        nint xDesc, ulong x, nint yDesc, ulong y, nint bnScaleBiasMeanVarDesc, ulong bnScale, ulong bnBias,
        ulong estimatedMean, ulong estimatedVariance, double epsilon);
    /// <summary>dx = alphaDataDiff * grad + betaDataDiff * dx; dScale/dBias likewise with the ParamDiff factors.</summary>
    [LibraryImport(Library)]
    public static partial int cudnnBatchNormalizationBackward(nint handle, cudnnBatchNormMode_t mode, float* alphaDataDiff, float* betaDataDiff,
        float* alphaParamDiff, float* betaParamDiff, nint xDesc, ulong x, nint dyDesc, ulong dy, nint dxDesc, ulong dx,
        nint dBnScaleBiasDesc, ulong bnScale, ulong dBnScaleResult, ulong dBnBiasResult, double epsilon, ulong savedMean, ulong savedInvVariance);
}
