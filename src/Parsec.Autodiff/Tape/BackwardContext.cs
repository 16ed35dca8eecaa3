namespace Parsec.Autodiff;

/// <summary>
/// What a backward rule sees: the gradients of the node's outputs, and where to put the gradients of its
/// inputs. <see cref="TryGradOf"/> decides between overwrite and accumulate, so rules never zero-fill.
/// </summary>
internal sealed class BackwardContext
{
    private readonly Tape _tape;
    private TapeNode _node = null!;

    internal BackwardContext(Tape tape) => _tape = tape;

    internal void Bind(TapeNode node) => _node = node;

    public IBackend Backend => _tape.Backend;

    /// <summary>Gradient of the current node's output (always present when the rule runs).</summary>
    public Tensor OutputGrad() =>
        _node.Outputs[0].Grad ?? throw new InvalidOperationException($"{_node}: its output has no gradient");

    /// <summary>
    /// The buffer that receives input's gradient, or false when input needs none. The first contribution
    /// overwrites a fresh buffer (accumulate = false); later ones, and parameter gradients, accumulate. With
    /// <see cref="Tape.Deferred"/> set, a parameter's gradient goes to the tape's own buffer for it instead.
    /// </summary>
    public bool TryGradOf(Tensor input, out Storage gradient, out bool accumulate)
    {
        if (!input.RequiresGrad)
        {
            gradient = null!;
            accumulate = false;
            return false;
        }
        if (input.Grad is { } existing)
        {
            // A parameter's persistent gradient is shared by every tape; with deferred updates this tape writes its own.
            if (_tape.Deferred is { } deferred && existing.Storage.Category.IsPersistent())
            {
                gradient = deferred.GradientBuffer(input, out accumulate);
                return true;
            }
            gradient = existing.Storage;
            accumulate = true;
            return true;
        }
        var g = _tape.NewGradient(input);
        gradient = g.Storage;
        accumulate = false;
        return true;
    }
}
