namespace Parsec.Search.Loop;

/// <summary>
/// A search's --commit decided state: the importance weights of its pi updates so far, which the noise floor replays,
/// and the blocks committed (<see cref="ChoiceCommitment"/>). Every <see cref="SearchOptions.CommitEvery"/> updates it
/// replays them (<see cref="DecisionNoise"/>, seeded by the iteration, so a resumed search and every MPI rank find the
/// same floor) and commits what is above it. Both lists travel in the checkpoint.
/// </summary>
internal sealed class CommitTracker(SearchSession session)
{
    private readonly List<double[]> _omegas = [];
    private readonly SortedSet<int> _committed = [];
    private DecisionNoise.Replay? _replay;

    public double[][] Omegas => _omegas.Select(o => (double[])o.Clone()).ToArray();
    public int[] Committed => _committed.ToArray();
    public int CommittedCount => _committed.Count;

    /// <summary>Called after each pi update with its importance weights; looks for decided choices every --commit-every updates.</summary>
    public void AfterPriorStep(double[] omega, int iteration)
    {
        _omegas.Add((double[])omega.Clone());
        if (_omegas.Count % session.Options.CommitEvery != 0) return;
        // Built once: with --prior-from it reads the transferred pi.json, which need not be read at every look.
        _replay ??= DecisionNoise.Replay.Of(session.Options, [], 0, session.Cost);
        var thresholds = DecisionNoise.Thresholds(_replay with { Omegas = _omegas, Iterations = _omegas.Count },
            seed: (ulong)iteration, quantile: SearchOptions.CommitQuantile);
        var distribution = session.Prior.Distribution;
        foreach (var (block, value) in ChoiceCommitment.Decided(distribution, thresholds, _committed))
        {
            ChoiceCommitment.Commit(distribution, session.PriorOptimizer, block, value);
            _committed.Add(block);
        }
    }

    /// <summary>Puts back a checkpoint's lists and freezes its committed blocks again.</summary>
    public void Restore(IEnumerable<double[]> omegas, IEnumerable<int> committed)
    {
        _omegas.Clear();
        _omegas.AddRange(omegas.Select(o => (double[])o.Clone()));
        _committed.Clear();
        _committed.UnionWith(committed);
        ChoiceCommitment.Refreeze(session.Prior.Distribution, session.PriorOptimizer, _committed);
    }
}
