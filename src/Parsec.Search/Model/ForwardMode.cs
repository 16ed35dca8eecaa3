using Parsec.Autodiff;

namespace Parsec.Search.Model;

/// <summary>
/// How one forward pass runs: batch norm with batch statistics (training) or running statistics
/// (evaluation), and the generator drop path draws its masks from (needed only when training with a
/// drop-path probability above 0; the trainer owns it so that it is saved with checkpoints).
/// </summary>
public sealed record ForwardMode(NormMode Norm, Rng? DropPathRng = null)
{
    public static readonly ForwardMode Training = new(NormMode.Training);
    public static readonly ForwardMode Evaluation = new(NormMode.Evaluation);
}

/// <summary>The class scores of a forward pass, and the auxiliary head's when it exists and the pass is in training mode.</summary>
public sealed record NetworkOutput(Tensor Logits, Tensor? AuxiliaryLogits);
