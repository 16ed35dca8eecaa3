using System.Globalization;

namespace Parsec.Search.Bench;

/// <summary>
/// Whether a bench's figure can be believed. Parsec and PyTorch are timed in alternating rounds, so a slow spell hits
/// both; what remains to check is that no other work competed for the cores (<see cref="MachineLoad"/>) and that the
/// figure itself (the parsec / PyTorch ratio, or parsec's time when PyTorch did not run) agrees with itself from round
/// to round. Each reason returned is one way the figure is not trustworthy.
/// </summary>
internal static class BenchTrust
{
    /// <summary>Other processes' average use above this many cores is competition for a CPU benchmark.</summary>
    public const double MaxOtherCores = 0.25;

    /// <summary>
    /// A figure whose standard error over rounds is above this fraction of it did not measure one thing. The standard
    /// error, not the range of one side's round medians, is what decides: on the idle 2-core machine PyTorch's round
    /// medians alone ranged over 21-32 % in five rounds (its two threads stall whenever the host takes a core away),
    /// while the paired ratio's standard error stayed at 4-8 %; beside a busy job PyTorch's median ran 1.6 to 3.7
    /// times its minimum.
    /// </summary>
    public const double MaxRelativeError = 0.10;

    /// <summary>(largest - smallest) / median of the round medians; 0 for one round. Printed to show each side's steadiness.</summary>
    public static double Spread(IReadOnlyList<double> roundMedians) =>
        roundMedians.Count < 2 ? 0 : (roundMedians.Max() - roundMedians.Min()) / Reports.Statistics.Median(roundMedians);

    /// <summary>
    /// A positive figure measured once per round, summarised as its geometric mean and the standard error of that mean
    /// as a fraction of it (computed on logarithms, so that 0.5x and 2x are equally far from 1x); 0 for one round,
    /// which cannot show its own error.
    /// </summary>
    public static (double Mean, double RelativeError) OverRounds(IReadOnlyList<double> perRound)
    {
        if (perRound.Count == 0 || perRound.Any(v => !(v > 0)))
            throw new ArgumentException("a figure over rounds needs one positive value per round", nameof(perRound));
        var logs = perRound.Select(v => Math.Log(v)).ToList();
        double mean = logs.Average();
        if (logs.Count < 2) return (Math.Exp(mean), 0);
        double variance = logs.Sum(l => (l - mean) * (l - mean)) / (logs.Count - 1);
        return (Math.Exp(mean), Math.Exp(Math.Sqrt(variance / logs.Count)) - 1);
    }

    /// <param name="figure">What <paramref name="perRound"/> is, as the warning names it ("the parsec / PyTorch ratio").</param>
    /// <param name="perRound">The figure in each round.</param>
    /// <param name="otherCores">Cores other processes kept busy meanwhile; null where that cannot be measured.</param>
    public static IReadOnlyList<string> Doubts(string figure, IReadOnlyList<double> perRound, double? otherCores, int cores, bool onGpu)
    {
        var doubts = new List<string>();
        // Each limit judges the figure as printed, so that a reader never sees "10 % (more than 10 %)".
        // A GPU benchmark spends its time on the device; other processes on the host matter only for a CPU one.
        if (!onGpu && otherCores is double others && AsPrinted(others, "0.00") > MaxOtherCores)
            doubts.Add($"other processes kept {others:0.00} of the {cores} cores busy while it ran");
        double errorPercent = AsPrinted(100 * OverRounds(perRound).RelativeError, "0");
        if (errorPercent > 100 * MaxRelativeError)
            doubts.Add($"{figure} has a standard error of {errorPercent:0} % over its {perRound.Count} rounds (more than {100 * MaxRelativeError:0} %)");
        return doubts;
    }

    private static double AsPrinted(double value, string format) =>
        double.Parse(value.ToString(format, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
