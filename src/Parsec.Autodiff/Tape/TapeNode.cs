namespace Parsec.Autodiff;

/// <summary>
/// One op executed on the tape: its inputs, outputs, the tensors its backward rule reads, and the rule itself.
/// Declaring <see cref="Saved"/> explicitly is what lets the tape compute every buffer's lifetime.
/// </summary>
public sealed class TapeNode
{
    internal TapeNode(int index, string op, Tensor[] inputs, Tensor[] outputs, Tensor[] saved, Action<BackwardContext> backward)
    {
        Index = index;
        Op = op;
        Inputs = inputs;
        Outputs = outputs;
        Saved = saved;
        Backward = backward;
    }

    /// <summary>Position in forward order; the node's backward runs at time 2N - 1 - Index.</summary>
    public int Index { get; }
    public string Op { get; }
    public Tensor[] Inputs { get; }
    public Tensor[] Outputs { get; }
    public Tensor[] Saved { get; }
    internal Action<BackwardContext> Backward { get; }

    public override string ToString() => $"#{Index} {Op}";
}
