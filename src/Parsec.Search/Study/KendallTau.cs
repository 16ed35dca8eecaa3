using MathNet.Numerics.Distributions;

namespace Parsec.Search.Study;

/// <summary>Kendall's tau-b between two rankings of the same items, with a two-sided p-value for "no association".</summary>
/// <param name="Tau">In [-1, 1]: 1 when the two orders agree on every pair, -1 when they disagree on every pair.</param>
/// <param name="PValue">The chance of a |tau| at least this large when the orders are unrelated.</param>
/// <param name="Count">Items ranked.</param>
/// <param name="Exact">The p-value counts every permutation (small samples); otherwise it is the normal approximation.</param>
internal sealed record RankCorrelation(double Tau, double PValue, int Count, bool Exact);

/// <summary>
/// Kendall's tau-b (ties in either ranking reduce the denominator, as in scipy.stats.kendalltau). With
/// <see cref="ExactLimit"/> items or fewer the p-value is exact: the share of all n! reorderings of the second
/// ranking whose |tau-b| reaches the observed one, ties included. Above that it uses the normal approximation of
/// the pair-count statistic with Kendall's tie-corrected variance.
/// </summary>
internal static class KendallTau
{
    /// <summary>9! = 362,880 reorderings of 36 pairs each: well under a second.</summary>
    public const int ExactLimit = 9;

    public static RankCorrelation Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"two rankings of different lengths: {x.Count} and {y.Count}");
        int n = x.Count;
        if (n < 2) throw new ArgumentException($"a rank correlation needs at least two items, got {n}");
        if (x.Concat(y).Any(v => !double.IsFinite(v))) throw new ArgumentException("rank correlation of non-finite values");
        double tau = TauB(x, y);
        if (double.IsNaN(tau)) return new RankCorrelation(double.NaN, double.NaN, n, false); // one ranking is all ties
        return n <= ExactLimit ? new RankCorrelation(tau, ExactPValue(x, y, tau), n, true) : new RankCorrelation(tau, NormalPValue(x, y), n, false);
    }

    /// <summary>(concordant - discordant) / sqrt((pairs - ties in x) (pairs - ties in y)); NaN when either ranking is constant.</summary>
    public static double TauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        long score = 0, tiedX = 0, tiedY = 0, pairs = 0;
        for (int i = 0; i < x.Count; i++)
            for (int j = i + 1; j < x.Count; j++)
            {
                pairs++;
                int dx = Math.Sign(x[i] - x[j]), dy = Math.Sign(y[i] - y[j]);
                if (dx == 0) tiedX++;
                if (dy == 0) tiedY++;
                score += dx * dy;
            }
        double denominator = Math.Sqrt((double)(pairs - tiedX) * (pairs - tiedY));
        return denominator == 0 ? double.NaN : score / denominator;
    }

    private static double ExactPValue(IReadOnlyList<double> x, IReadOnlyList<double> y, double tau)
    {
        var permuted = y.ToArray();
        long atLeast = 0, total = 0;
        // Heap's algorithm visits every reordering once.
        var counters = new int[permuted.Length];
        Count();
        for (int i = 0; i < permuted.Length;)
        {
            if (counters[i] < i)
            {
                int swap = i % 2 == 0 ? 0 : counters[i];
                (permuted[swap], permuted[i]) = (permuted[i], permuted[swap]);
                Count();
                counters[i]++;
                i = 0;
            }
            else
            {
                counters[i] = 0;
                i++;
            }
        }
        return (double)atLeast / total;

        void Count()
        {
            total++;
            if (Math.Abs(TauB(x, permuted)) >= Math.Abs(tau) - 1e-12) atLeast++;
        }
    }

    private static double NormalPValue(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        long score = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
                score += Math.Sign(x[i] - x[j]) * Math.Sign(y[i] - y[j]);
        var tx = TieGroupSizes(x);
        var ty = TieGroupSizes(y);
        double v0 = n * (n - 1.0) * (2.0 * n + 5);
        double vt = tx.Sum(t => t * (t - 1.0) * (2.0 * t + 5)), vu = ty.Sum(u => u * (u - 1.0) * (2.0 * u + 5));
        double v1 = tx.Sum(t => t * (t - 1.0)) * ty.Sum(u => u * (u - 1.0)) / (2.0 * n * (n - 1));
        double v2 = tx.Sum(t => t * (t - 1.0) * (t - 2)) * ty.Sum(u => u * (u - 1.0) * (u - 2)) / (9.0 * n * (n - 1) * (n - 2));
        double variance = (v0 - vt - vu) / 18 + v1 + v2;
        double z = score / Math.Sqrt(variance);
        return Math.Min(1, 2 * Normal.CDF(0, 1, -Math.Abs(z)));
    }

    private static int[] TieGroupSizes(IReadOnlyList<double> values) =>
        values.GroupBy(v => v).Select(g => g.Count()).Where(c => c > 1).ToArray();
}
