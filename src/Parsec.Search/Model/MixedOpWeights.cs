using Parsec.Autodiff;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;

namespace Parsec.Search.Model;

/// <summary>
/// The weights of DARTS' mixed ops: for each cell type, edge (14) and candidate (<see cref="OpFactory.SupernetCandidates"/>,
/// `none` first) a coefficient; each edge's coefficients sum to 1 (a softmax over DARTS' alphas).
/// </summary>
public sealed class MixedOpWeights
{
    private readonly double[,,] _weights; // (cell type, edge, candidate)

    private MixedOpWeights(double[,,] weights) => _weights = weights;

    public double this[CellType type, int edge, int candidate] => _weights[(int)type, edge, candidate];

    /// <summary>Every candidate weighted equally (DARTS' initial state up to its 1e-3 noise).</summary>
    public static MixedOpWeights Uniform() => From((_, _) => 0);

    /// <summary>Softmax of standard normal logits per edge, as the reference benchmark draws them.</summary>
    public static MixedOpWeights Random(Rng rng) => From((_, _) => rng.NextGaussian());

    private static MixedOpWeights From(Func<int, int, double> logit)
    {
        int candidates = OpFactory.SupernetCandidates.Count;
        var w = new double[CellTypes.All.Count, CellLayout.Edges, candidates];
        for (int t = 0; t < CellTypes.All.Count; t++)
            for (int e = 0; e < CellLayout.Edges; e++)
            {
                var logits = new double[candidates];
                for (int c = 0; c < candidates; c++) logits[c] = logit(e, c);
                double max = logits.Max(), sum = 0;
                for (int c = 0; c < candidates; c++) sum += logits[c] = Math.Exp(logits[c] - max);
                for (int c = 0; c < candidates; c++) w[t, e, c] = logits[c] / sum;
            }
        return new MixedOpWeights(w);
    }
}
