namespace Parsec.Autodiff;

/// <summary>The arithmetic of convolutions and matrix products on Float32 tensors.</summary>
public enum Precision
{
    /// <summary>Full fp32 multiply-adds (relative error about 1e-6): what the CPU always does.</summary>
    Fp32,
    /// <summary>
    /// TF32 tensor cores (10-bit mantissa products, fp32 accumulation; relative error about 1e-3) on GPUs of
    /// compute capability 8.0 and later, as PyTorch does for cuDNN convolutions by default. Elsewhere fp32.
    /// </summary>
    Tf32,
}
