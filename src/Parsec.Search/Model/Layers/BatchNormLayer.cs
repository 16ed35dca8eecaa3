using Parsec.Autodiff;

namespace Parsec.Search.Model.Layers;

/// <summary>Whether a batch norm has learnable scale and shift (gamma, beta).</summary>
internal enum Affinity
{
    NonAffine,
    Affine,
}

/// <summary>
/// Batch norm over (N, H, W) per channel with PyTorch's names and defaults (momentum 0.1, eps 1e-5):
/// "{scope}.weight" and "{scope}.bias" when affine, buffers "{scope}.running_mean" and "{scope}.running_var".
/// </summary>
internal sealed class BatchNormLayer
{
    private readonly Tensor? _gamma, _beta;             // (C) each; null without affine parameters
    private readonly Tensor _runningMean, _runningVar;  // (C) each

    public BatchNormLayer(ModuleScope scope, int channels, Affinity affinity)
    {
        if (affinity == Affinity.Affine)
        {
            _gamma = scope.Weight("weight", [channels], Initialization.Ones);
            _beta = scope.Weight("bias", [channels], Initialization.Zeros);
        }
        _runningMean = scope.Buffer("running_mean", [channels], 0);
        _runningVar = scope.Buffer("running_var", [channels], 1);
    }

    public Tensor Forward(Tape tape, Tensor x, NormMode mode) => tape.BatchNorm2d(x, _gamma, _beta, _runningMean, _runningVar, mode);

    /// <summary>relu(bn(x)) as one fused op: the norm's output before the ReLU is never stored.</summary>
    public Tensor ForwardWithRelu(Tape tape, Tensor x, NormMode mode) => tape.BatchNormRelu2d(x, _gamma, _beta, _runningMean, _runningVar, mode);
}
