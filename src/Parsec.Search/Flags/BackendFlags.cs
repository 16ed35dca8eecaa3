using Parsec.Autodiff;

namespace Parsec.Search.Flags;

/// <summary>Where a command computes: the options of every command that runs a network.</summary>
internal sealed record BackendFlags
{
    [Flag("--backend <BACKEND>", "auto, cpu or cuda. auto: CUDA when a usable GPU is present, else the CPU (`parsec info` says why).")]
    public BackendChoice Backend { get; init; } = BackendChoice.Auto;

    /// <summary>TF32 by default, as PyTorch does for cuDNN convolutions: several times the fp32 rate on the tensor cores.</summary>
    [Flag("--precision <PRECISION>", "fp32 or tf32: Float32 convolutions and matrix products on the GPU: tf32 (tensor cores, about 1e-3 relative error) or fp32. The CPU always computes in fp32.")]
    public Precision Precision { get; init; } = Precision.Tf32;
}
