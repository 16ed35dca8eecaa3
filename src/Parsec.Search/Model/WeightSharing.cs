namespace Parsec.Search.Model;

/// <summary>How a cell's candidate operations own their weights.</summary>
internal enum WeightSharing
{
    /// <summary>
    /// The shared bank of the search (DARTS' supernet, the anchor script): every (node, input) edge holds one
    /// instance of every primitive, named "node{j}.input{i}.{op}". Every architecture uses the instances of
    /// the edges and ops it picks. When both terms of a node pick the same input and op (possible with
    /// independent terms) they apply the same instance twice.
    /// </summary>
    PerEdge,
    /// <summary>
    /// A fixed genotype (DARTS' derived network): each term owns only its op, named "node{j}.term{t}.{op}",
    /// so two terms with equal choices still have separate weights.
    /// </summary>
    PerTerm,
}
