namespace Parsec.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// Lifetimes of the per-step buffers of the recorded step, from structure alone:
    /// an output of node p lives from p to its last forward use or the backward of the last node that
    /// saved it; the gradient of a tensor lives from the backward of its last consumer to the backward of
    /// its producer. Outputs no node consumes or saves (the loss, logits the caller reads) and tensors
    /// marked with <see cref="Keep"/> live to the end.
    /// </summary>
    public LifetimePlan PlanLifetimes()
    {
        int n = _nodes.Count;
        int last = 2 * n - 1;
        int Bwd(int node) => 2 * n - 1 - node;

        var producer = new Dictionary<int, (Tensor Tensor, int Node)>();
        var lastForwardUse = new Dictionary<int, int>();
        var lastSavedBy = new Dictionary<int, int>();      // latest backward time that reads it
        var lastConsumerNode = new Dictionary<int, int>(); // for gradient start
        var external = new Dictionary<int, Tensor>();

        foreach (var node in _nodes)
        {
            foreach (var o in node.Outputs) producer[o.Id] = (o, node.Index);
            foreach (var i in node.Inputs)
            {
                lastForwardUse[i.Id] = node.Index;
                lastConsumerNode[i.Id] = node.Index;
                if (!producer.ContainsKey(i.Id)) external.TryAdd(i.Id, i);
            }
            foreach (var s in node.Saved)
            {
                lastSavedBy[s.Id] = Math.Max(lastSavedBy.GetValueOrDefault(s.Id, -1), Bwd(node.Index));
                if (!producer.ContainsKey(s.Id)) external.TryAdd(s.Id, s);
            }
        }

        var buffers = new List<BufferLifetime>();
        foreach (var (id, (t, p)) in producer)
        {
            int end = Math.Max(lastForwardUse.GetValueOrDefault(id, p), lastSavedBy.GetValueOrDefault(id, p));
            bool unconsumed = !lastForwardUse.ContainsKey(id) && !lastSavedBy.ContainsKey(id);
            if (unconsumed || _kept.Contains(id)) end = last;
            buffers.Add(new BufferLifetime(id, t.Name ?? "", t.Storage.Bytes, t.Storage.Category, p, end));

            if (!t.RequiresGrad) continue;
            int gradStart = lastConsumerNode.TryGetValue(id, out int c) ? Bwd(c) : Bwd(p);
            buffers.Add(new BufferLifetime(-id, $"d{t.Name}", t.Storage.Bytes, BufferCategory.ActivationGradients, gradStart, Bwd(p)));
        }
        foreach (var (id, t) in external)
        {
            if (t.Storage.Category.IsPersistent()) continue; // weights are not per-step buffers
            int end = Math.Max(lastForwardUse.GetValueOrDefault(id, 0), lastSavedBy.GetValueOrDefault(id, 0));
            buffers.Add(new BufferLifetime(id, t.Name ?? "", t.Storage.Bytes, t.Storage.Category, 0, end));
        }
        buffers.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.TensorId.CompareTo(b.TensorId));
        return new LifetimePlan(buffers, Math.Max(2 * n, 1));
    }
}
