using Parsec.Cuda.Memory;

namespace Parsec.Autodiff.Cuda;

/// <summary>How cuDNN picks a convolution algorithm for a new shape.</summary>
public enum ConvolutionAlgorithmSearch
{
    /// <summary>cudnnFind...Ex: runs every candidate once on the real buffers and keeps the fastest (best choice, costs a few ms per shape).</summary>
    Measure,
    /// <summary>cudnnGet..._v7: cuDNN's heuristics, no trial runs.</summary>
    Heuristic,
}

/// <summary>Settings of a <see cref="CudaBackend"/>.</summary>
public sealed record CudaBackendOptions
{
    public int DeviceOrdinal { get; init; }
    /// <summary>Arena size and split; category names are filled in by the backend.</summary>
    public ArenaOptions Arena { get; init; } = new();
    /// <summary>
    /// Let cuDNN and cuBLAS use TF32 tensor cores for fp32 (about 1e-3 relative error instead of 1e-6) where the
    /// device has them. Off by default here so that the parity tests match the CPU reference; the command line
    /// turns it on unless --precision fp32 (<see cref="Precision"/>).
    /// </summary>
    public bool AllowTf32 { get; init; }
    public ConvolutionAlgorithmSearch AlgorithmSearch { get; init; } = ConvolutionAlgorithmSearch.Measure;
    /// <summary>
    /// Depthwise convolutions: custom kernels, cuDNN, or whichever measures faster per shape (the default: cuDNN's
    /// depthwise backward-filter and dilated backward-data are several times slower than kernels/depthwise.cu on
    /// Hopper; both paths pass the CPU-parity device tests).
    /// </summary>
    public DepthwiseKernels Depthwise { get; init; } = DepthwiseKernels.Fastest;
    /// <summary>Batch norm fused with the ReLU after it: cuDNN plus a ReLU kernel, or the fused kernels (see <see cref="BatchNormReluKernels"/>).</summary>
    public BatchNormReluKernels BatchNormRelu { get; init; } = BatchNormReluKernels.Library;
    /// <summary>
    /// The most workspace one convolution may use (taken from the arena's per-step region, during the algorithm
    /// search and during the call). 64 MiB keeps a sampled search step at C = 16, 8 cells, batch 64 within PyTorch's
    /// 962 MiB (planned 779 MiB of buffers + 32 MiB cuBLAS + this); cuDNN's algorithms for these small
    /// convolutions rarely ask more, and the device benchmark says whether a larger limit would be faster.
    /// </summary>
    public long ConvolutionWorkspaceLimitBytes { get; init; } = 64L << 20;
    /// <summary>cuBLAS workspace, taken once from the persistent region (32 MiB is what cuBLAS asks for on Hopper).</summary>
    public long CublasWorkspaceBytes { get; init; } = 32L << 20;
    /// <summary>Where compiled PTX is cached; null: <see cref="Parsec.Cuda.Compilation.PtxCache.DefaultDirectory"/>; empty: no cache.</summary>
    public string? PtxCacheDirectory { get; init; }
}
