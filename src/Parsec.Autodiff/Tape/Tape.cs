namespace Parsec.Autodiff;

/// <summary>
/// Reverse-mode autodiff by recording. Ops (the partial files in Ops/) run eagerly on the backend and,
/// when an input requires a gradient, append a <see cref="TapeNode"/> holding their backward rule.
/// <see cref="Backward"/> walks the nodes in reverse order (deterministic, no recursion) and releases
/// each per-step buffer as soon as its planned lifetime ends. <see cref="Reset"/> frees everything the
/// tape made, ready for the next step or the next sampled architecture.
/// </summary>
public sealed partial class Tape : IDisposable
{
    private readonly List<TapeNode> _nodes = [];
    private readonly List<Tensor> _owned = [];       // outputs and activation gradients, released by Reset
    private readonly List<Tensor> _gradHolders = []; // tensors whose Grad this tape set, cleared by Reset
    private readonly HashSet<int> _kept = [];
    private int _noGradDepth;

    public Tape(IBackend backend) => Backend = backend;

    public IBackend Backend { get; }
    public IReadOnlyList<TapeNode> Nodes => _nodes;

    /// <summary>
    /// Where parameter gradients and batch-norm running statistics go instead of the shared tensors; null (the
    /// default): into the shared tensors. Set it to let several tapes, one per thread, run the same network at once.
    /// </summary>
    public DeferredUpdates? Deferred { get; set; }

    /// <summary>False inside <see cref="NoGrad"/>: ops then run without recording nodes (evaluation).</summary>
    public bool IsRecording => _noGradDepth == 0;

    /// <summary>A scope in which ops are not recorded. Dispose it to resume recording.</summary>
    public IDisposable NoGrad()
    {
        _noGradDepth++;
        return new Scope(() => _noGradDepth--);
    }

    /// <summary>Keeps a tensor alive through <see cref="Backward"/> (e.g. logits read after the step); freed by Reset.</summary>
    public Tensor Keep(Tensor t)
    {
        _kept.Add(t.Id);
        return t;
    }

    /// <summary>A new per-step output buffer owned by the tape.</summary>
    internal Tensor NewOutput(int[] shape, DType dtype, string op)
    {
        var t = Tensor.Empty(Backend, shape, dtype, BufferCategory.Activations, op);
        _owned.Add(t);
        return t;
    }

    internal Tensor NewGradient(Tensor of)
    {
        var g = Tensor.Empty(Backend, of.Shape, of.DType, BufferCategory.ActivationGradients, $"d{of.Name}");
        of.Grad = g;
        _owned.Add(g);
        _gradHolders.Add(of);
        return g;
    }

    /// <summary>
    /// Records a node when recording is on and some input requires a gradient. outputs[0] is the
    /// differentiable result and is marked as requiring a gradient; further outputs are auxiliary
    /// (statistics saved for backward) and listed only so that their lifetimes are known.
    /// Called by every op after its forward computation.
    /// </summary>
    internal void Record(string op, Tensor[] inputs, Tensor[] outputs, Tensor[] saved, Action<BackwardContext> backward)
    {
        if (!IsRecording) return;
        bool needed = false;
        foreach (var t in inputs) needed |= t.RequiresGrad;
        if (!needed) return;
        outputs[0].RequiresGrad = true;
        _nodes.Add(new TapeNode(_nodes.Count, op, inputs, outputs, saved, backward));
    }

    internal void Record(string op, Tensor[] inputs, Tensor output, Tensor[] saved, Action<BackwardContext> backward) =>
        Record(op, inputs, [output], saved, backward);

    /// <summary>
    /// Back-propagates from a scalar: loss.Grad = seed, then every node's rule in reverse order. Parameter
    /// gradients accumulate (call the optimizer's ZeroGrad between steps); activation gradients are per step.
    /// </summary>
    public void Backward(Tensor loss, double seed = 1.0)
    {
        if (loss.Length != 1)
            throw new ArgumentException($"Backward needs a scalar loss, got shape ({string.Join(", ", loss.Shape)})", nameof(loss));
        if (!loss.RequiresGrad)
            throw new InvalidOperationException("the loss does not depend on any parameter: nothing to differentiate (was it computed under NoGrad?)");

        var byId = new Dictionary<int, Tensor>();
        foreach (var node in _nodes)
            foreach (var o in node.Outputs) byId[o.Id] = o;
        var ends = PlanLifetimes().EndsByTime();
        int n = _nodes.Count;
        // Buffers whose last use was in the forward pass are dead before backward begins.
        foreach (var (time, ids) in ends)
            if (time < n) ReleaseAll(ids, byId);

        var seedGrad = NewGradient(loss);
        Backend.Fill(seedGrad.Storage, seed);

        var ctx = new BackwardContext(this);
        for (int i = n - 1; i >= 0; i--)
        {
            var node = _nodes[i];
            // A node whose output received no gradient does not lie on a path to the loss.
            if (node.Outputs[0].Grad is not null)
            {
                ctx.Bind(node);
                node.Backward(ctx);
            }
            // Buffers planned to live to the last time step (the loss, unconsumed outputs, kept tensors) stay until Reset.
            int time = 2 * n - 1 - i;
            if (time < 2 * n - 1 && ends.TryGetValue(time, out var dead)) ReleaseAll(dead, byId);
        }
    }

    /// <summary>Frees buffers at the end of their planned lifetime. Negative ids name the gradient of -id.</summary>
    private void ReleaseAll(List<int> ids, Dictionary<int, Tensor> byId)
    {
        foreach (int id in ids)
        {
            var t = id > 0 ? byId.GetValueOrDefault(id) : byId.GetValueOrDefault(-id)?.Grad;
            if (t is null || _kept.Contains(Math.Abs(id)) || t.Storage.Category.IsPersistent()) continue;
            t.Dispose();
        }
    }

    /// <summary>Frees every buffer the tape made, clears activation gradients and forgets all nodes.</summary>
    public void Reset()
    {
        foreach (var holder in _gradHolders)
            if (holder.Grad is { } g && !g.Storage.Category.IsPersistent()) holder.Grad = null;
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
        _gradHolders.Clear();
        _nodes.Clear();
        _kept.Clear();
        Backend.ResetStep();
    }

    public void Dispose() => Reset();

    private sealed class Scope(Action onDispose) : IDisposable
    {
        private Action? _onDispose = onDispose;
        public void Dispose()
        {
            _onDispose?.Invoke();
            _onDispose = null;
        }
    }
}
