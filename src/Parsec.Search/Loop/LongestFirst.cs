namespace Parsec.Search.Loop;

/// <summary>
/// The order in which ranks sharing a pass's tickets take its samples: the most expensive first (longest processing
/// time first). A pass ends when its last sample ends, so a long sample taken last leaves the other ranks idle; taken
/// first, the short ones fill in around it. Which rank runs a sample never changes its bits (the results are stored
/// and reduced by sample index), so the order changes only the time.
/// </summary>
internal static class LongestFirst
{
    /// <summary>Sample indices by descending cost, equal costs by index; every rank computes the same order from the same costs.</summary>
    public static int[] Order(IReadOnlyList<double> costs)
    {
        for (int k = 0; k < costs.Count; k++)
            if (!double.IsFinite(costs[k])) throw new ArgumentException($"sample {k}'s cost is {costs[k]}", nameof(costs));
        return Enumerable.Range(0, costs.Count).OrderByDescending(k => costs[k]).ThenBy(k => k).ToArray();
    }

    /// <summary>Tickets 0, 1, 2, ... from <paramref name="take"/> turned into the samples of <paramref name="order"/>; past the pass, past it still.</summary>
    public static Func<int> Taking(int[] order, Func<int> take) => () =>
    {
        int ticket = take();
        return ticket < order.Length ? order[ticket] : ticket;
    };
}
