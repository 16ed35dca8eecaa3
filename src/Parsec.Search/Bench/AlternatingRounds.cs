namespace Parsec.Search.Bench;

/// <summary>One round's timing of a benchmark: the median and the fastest of its timed steps.</summary>
internal interface IRoundTiming
{
    double MedianMs { get; }
    double MinMs { get; }
}

/// <summary>What alternating rounds measured: each side's result per round and the machine's load around them.</summary>
internal sealed record RoundsResult<T>(IReadOnlyList<T> Parsec, IReadOnlyList<PyTorchMeasurement> Torch, MachineLoad? Before, MachineLoad? After)
    where T : IRoundTiming
{
    public IReadOnlyList<double> ParsecMedians => Parsec.Select(r => r.MedianMs).ToList();
    public IReadOnlyList<double> TorchMedians => Torch.Select(t => t.MedianMs).ToList();
    /// <summary>Parsec over all rounds: the median of the round medians and the fastest step.</summary>
    public (double MedianMs, double MinMs) ParsecOverRounds => (Reports.Statistics.Median(ParsecMedians), Parsec.Min(r => r.MinMs));
    /// <summary>PyTorch over all rounds, as the first round's measurement with the median of the round medians and the fastest step; null when PyTorch did not run.</summary>
    public PyTorchMeasurement? TorchOverRounds => Torch.Count == 0 ? null
        : Torch[0] with { MedianMs = Reports.Statistics.Median(TorchMedians), MinMs = Torch.Min(t => t.MinMs) };
    /// <summary>Each side's round medians, PyTorch's only when it ran.</summary>
    public IReadOnlyList<(string Side, IReadOnlyList<double> RoundMedians)> Sides =>
        Torch.Count == 0 ? [("parsec", ParsecMedians)] : [("parsec", ParsecMedians), ("PyTorch", TorchMedians)];

    /// <summary>
    /// The figure a bench reports, once per round, and what it is called: parsec's time over PyTorch's in the same round
    /// when PyTorch ran (a slow spell that falls on both sides of a round cancels), parsec's round medians otherwise.
    /// </summary>
    public (string Name, IReadOnlyList<double> PerRound) Figure => Torch.Count == 0
        ? ("parsec's time", ParsecMedians)
        : ("the parsec / PyTorch ratio", Parsec.Zip(Torch, (p, t) => p.MedianMs / t.MedianMs).ToList());

    /// <summary>The cores other processes kept busy while the rounds ran; null where that cannot be measured.</summary>
    public double? OtherCores => Before is not null && After is not null ? MachineLoad.OtherCores(Before, After) : null;
}

/// <summary>
/// Times Parsec and the PyTorch reference in turn, round after round, so that a slow spell of the machine (another
/// job, a thermal limit) falls on both sides rather than on whichever happened to run second.
/// </summary>
internal static class AlternatingRounds
{
    /// <summary>The round number the untimed warm-up round is run with (-1), before rounds 0, 1, ...</summary>
    public const int WarmUpRound = -1;

    public static RoundsResult<T> Run<T>(int rounds, Func<int, T> parsecRound, Func<int, PyTorchMeasurement>? torchRound) where T : IRoundTiming
    {
        // One untimed round first: the first steps of a process run code the JIT has not optimised yet, and the
        // warm-up steps alone measured a first round 1.7x slower than the next on an idle machine.
        parsecRound(WarmUpRound);
        var before = MachineLoad.Now();
        var parsec = new List<T>();
        var torch = new List<PyTorchMeasurement>();
        for (int round = 0; round < rounds; round++)
        {
            parsec.Add(parsecRound(round));
            if (torchRound is not null) torch.Add(torchRound(round));
        }
        return new RoundsResult<T>(parsec, torch, before, MachineLoad.Now());
    }

    /// <summary>Timed steps per round: the case's steps shared out, at least one each.</summary>
    public static int StepsPerRound(int steps, int rounds) => Math.Max(1, (steps + rounds - 1) / rounds);
}
