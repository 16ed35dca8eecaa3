using Parsec.Autodiff;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;

namespace Parsec.Search.Model;

/// <summary>
/// DARTS' architecture parameters: for each cell type, edge (14 in the DARTS space) and candidate
/// (<see cref="OpFactory.SupernetCandidates"/>, `none` first) a logit alpha, in one flat array (<see cref="Logits"/>, cell type, then edge, then candidate). The
/// mixed op of an edge weights its candidates by the softmax of the edge's logits. With gradients tracked, the
/// mixed forward adds dL/dw of every edge into sinks (<see cref="Tape.MixedSum"/>), and <see cref="LogitGradient"/>
/// turns them into dL/dalpha through the softmax.
/// </summary>
public sealed class MixedOpWeights
{
    private readonly double[][]? _weightGradients; // (cell type * edges + edge) -> dL/dw per candidate

    public MixedOpWeights(SearchSpace space, double[] logits, bool trackGradients = false)
    {
        Space = space;
        CandidateNames = OpFactory.SupernetCandidates(space);
        if (logits.Length != Count(space)) throw new ArgumentException($"DARTS' architecture has {Count(space)} logits (2 cells x {space.Edges} edges x {Candidates} candidates), got {logits.Length}");
        Logits = logits;
        if (trackGradients) _weightGradients = Enumerable.Range(0, CellTypes.All.Count * space.Edges).Select(_ => new double[Candidates]).ToArray();
    }

    /// <summary>The space whose supernet these weights mix.</summary>
    public SearchSpace Space { get; }

    /// <summary>`none`, then the space's operations: what candidate c of an edge is.</summary>
    public IReadOnlyList<string> CandidateNames { get; }

    public int Candidates => CandidateNames.Count;

    /// <summary>The logits of <paramref name="space"/>'s supernet.</summary>
    public static int Count(SearchSpace space) => CellTypes.All.Count * space.Edges * OpFactory.SupernetCandidates(space).Count;

    /// <summary>alpha, stepped in place by the architecture optimiser.</summary>
    public double[] Logits { get; }

    /// <summary>Every candidate weighted equally (DARTS' initial state up to its 1e-3 noise).</summary>
    public static MixedOpWeights Uniform(SearchSpace space, bool trackGradients = false) => new(space, new double[Count(space)], trackGradients);

    /// <summary>Standard normal logits, as the reference benchmark draws them.</summary>
    public static MixedOpWeights Random(SearchSpace space, Rng rng) => new(space, Enumerable.Range(0, Count(space)).Select(_ => rng.NextGaussian()).ToArray());

    /// <summary>DARTS' initialisation: 1e-3 times standard normal noise.</summary>
    public static MixedOpWeights Initial(SearchSpace space, Rng rng, bool trackGradients) =>
        new(space, Enumerable.Range(0, Count(space)).Select(_ => 1e-3 * rng.NextGaussian()).ToArray(), trackGradients);

    private int Offset(CellType type, int edge) => ((int)type * Space.Edges + edge) * Candidates;

    /// <summary>The softmax of one edge's logits: its candidates' weights, summing to 1.</summary>
    public double[] Weights(CellType type, int edge)
    {
        int offset = Offset(type, edge);
        double max = double.NegativeInfinity;
        for (int c = 0; c < Candidates; c++) max = Math.Max(max, Logits[offset + c]);
        var w = new double[Candidates];
        double sum = 0;
        for (int c = 0; c < Candidates; c++) sum += w[c] = Math.Exp(Logits[offset + c] - max);
        for (int c = 0; c < Candidates; c++) w[c] /= sum;
        return w;
    }

    /// <summary>Where the mixed op of an edge adds dL/dw; null when gradients are not tracked.</summary>
    public double[]? GradientSink(CellType type, int edge) => _weightGradients?[(int)type * Space.Edges + edge];

    public void ZeroGradients()
    {
        foreach (var g in _weightGradients ?? []) Array.Clear(g);
    }

    /// <summary>dL/dalpha from the sinks: per edge, dL/dalpha_c = w_c (g_c - sum_j w_j g_j) (the softmax's Jacobian).</summary>
    public double[] LogitGradient()
    {
        if (_weightGradients is null) throw new InvalidOperationException("these mixing weights do not track gradients");
        var gradient = new double[Logits.Length];
        foreach (var type in CellTypes.All)
            for (int e = 0; e < Space.Edges; e++)
            {
                var w = Weights(type, e);
                var g = _weightGradients[(int)type * Space.Edges + e];
                double mean = 0;
                for (int c = 0; c < Candidates; c++) mean += w[c] * g[c];
                for (int c = 0; c < Candidates; c++) gradient[Offset(type, e) + c] = w[c] * (g[c] - mean);
            }
        return gradient;
    }

    /// <summary>Sum over the edges of the entropy of their weights (nats): 28 ln 8 when uniform, 0 when every edge has chosen.</summary>
    public double Entropy() => CellTypes.All.Sum(type => Enumerable.Range(0, Space.Edges).Sum(e => Weights(type, e).Where(w => w > 0).Sum(w => -w * Math.Log(w))));

    /// <summary>
    /// DARTS' derivation: per node the two incoming edges whose strongest candidate other than `none` weighs most
    /// (they read distinct inputs by construction), each with that candidate, the stronger edge first.
    /// </summary>
    public Genotype Derive()
    {
        List<GenotypeTerm> Cell(CellType type)
        {
            var terms = new List<GenotypeTerm>();
            for (int node = 0; node < Space.Nodes; node++)
            {
                var best = Enumerable.Range(0, CellLayout.InputsOfNode(node)).Select(input =>
                {
                    var w = Weights(type, CellLayout.EdgeIndex(node, input));
                    int op = Enumerable.Range(1, Candidates - 1).MaxBy(c => w[c]);
                    return (Input: input, Op: op, Weight: w[op]);
                }).OrderByDescending(x => x.Weight).ThenBy(x => x.Input).Take(2);
                terms.AddRange(best.Select(b => new GenotypeTerm(CandidateNames[b.Op], b.Input)));
            }
            return terms;
        }
        return new Genotype(Cell(CellType.Normal), Cell(CellType.Reduce)) { Space = Space };
    }
}
