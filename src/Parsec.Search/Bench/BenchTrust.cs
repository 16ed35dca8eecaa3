namespace Parsec.Search.Bench;

/// <summary>
/// Whether a bench's ratio can be believed. Parsec and PyTorch are timed in alternating rounds, so a slow spell hits
/// both; what remains to check is that no other work competed for the cores (<see cref="MachineLoad"/>) and that each
/// side's round medians agree with one another. Each reason returned is one way the figure is not trustworthy.
/// </summary>
public static class BenchTrust
{
    /// <summary>Other processes' average use above this many cores is competition for a CPU benchmark.</summary>
    public const double MaxOtherCores = 0.25;
    /// <summary>
    /// A side whose round medians spread by more than this fraction of their median did not measure one thing. On the
    /// idle 2-core machine PyTorch's rounds spread by up to 19 %; beside a busy job its median ran 1.6 to 3.7 times its minimum.
    /// </summary>
    public const double MaxSpread = 0.25;

    /// <summary>(largest - smallest) / median of the round medians; 0 for one round.</summary>
    public static double Spread(IReadOnlyList<double> roundMedians) =>
        roundMedians.Count < 2 ? 0 : (roundMedians.Max() - roundMedians.Min()) / Reports.Statistics.Median(roundMedians);

    public static IReadOnlyList<string> Doubts(IReadOnlyList<(string Side, IReadOnlyList<double> RoundMedians)> sides, double? otherCores, int cores, bool onGpu)
    {
        var doubts = new List<string>();
        // A GPU benchmark spends its time on the device; other processes on the host matter only for a CPU one.
        if (!onGpu && otherCores > MaxOtherCores)
            doubts.Add($"other processes kept {otherCores:0.00} of the {cores} cores busy while it ran");
        foreach (var (side, medians) in sides)
        {
            double spread = Spread(medians);
            if (spread > MaxSpread)
                doubts.Add($"{side}'s round medians spread by {100 * spread:0} % (more than {100 * MaxSpread:0} %)");
        }
        return doubts;
    }
}
