using Parsec.Search.Reports.Html;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Parsec.Autodiff;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using Parsec.Search.Distributed;
using Parsec.Search.Memory;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Loop;

/// <summary>Receives a search's progress (the command line draws it; tests pass nothing).</summary>
public interface ISearchProgress
{
    void Started(int completedIterations, int totalIterations, int warmupIterations);
    /// <summary>What a search's first progress line says: its length, its warm-up (which may be automatic) and where it resumes.</summary>
    static string StartLine(int completedIterations, int totalIterations, int warmupIterations) =>
        $"{totalIterations} iterations{(warmupIterations > 0 && warmupIterations < totalIterations ? $", {warmupIterations} of them warm-up" : "")}"
        + (completedIterations > 0 ? $", resuming after {completedIterations}" : "");
    void IterationCompleted(IterationMetrics metrics, int totalIterations);
    /// <summary>Something the user should know while the search runs (it is also in warnings.txt and the result).</summary>
    void Warn(string message);
}

public enum SearchOutcome
{
    Completed,
    /// <summary>Stopped on request (cancellation or an iteration limit for this invocation) after a checkpoint.</summary>
    Interrupted,
    /// <summary>A loss or gradient became NaN or infinite: nan_report.txt explains, the last good checkpoint is kept.</summary>
    StoppedOnNonFiniteValue,
}

/// <param name="StopAfterIteration">Checkpoint and stop once this many iterations are completed (null: run to the end).</param>
public sealed record RunLimits(int? StopAfterIteration = null, CancellationToken Cancellation = default)
{
    public static readonly RunLimits None = new();
}

/// <param name="Report">What the run report drew (or why it could not); null when the run diverged.</param>
/// <param name="RecentValidationAccuracy">Mean validation accuracy of the last (up to) <see cref="SearchRunner.RecentWindow"/> iterations of this invocation: one batch is noisy.</param>
public sealed record SearchResult(
    RunFolder Run,
    SearchOutcome Outcome,
    int Iterations,
    IterationMetrics? LastMetrics,
    double? RecentValidationAccuracy,
    ArchitecturePrior Prior,
    double PiEntropy,
    double UniformPiEntropy,
    DerivedGenotype MostLikely,
    int Classes,
    NonFiniteReport? NonFinite,
    string? Report,
    TimeSpan Elapsed,
    int StartIteration = 0,
    IReadOnlyList<string>? Warnings = null);

/// <summary>
/// Runs a search in a run folder: writes options.json and the memory report, iterates
/// <see cref="SearchSession.Step"/>, appends metrics.jsonl and pi_history.jsonl, checkpoints atomically, and
/// ends with pi.json, genotype.json and the plots of <see cref="Reports.RunReport"/>. <see cref="Resume"/> continues a stopped run from its checkpoint
/// with the same random streams and data order, so it ends where an uninterrupted run would.
/// </summary>
public static class SearchRunner
{
    public const int RecentWindow = 20;

    /// <param name="world">The MPI job the search is spread over (null: one process); only its rank 0 writes the run folder.</param>
    public static SearchResult Start(SearchOptions options, IBackend backend, RunFolder run, ISearchProgress? progress = null, RunLimits? limits = null,
        MpiWorld? world = null)
    {
        // The session checks the options, the data and a transferred prior before anything is written.
        Cost.LatencyTable? latency = null;
        using var session = new SearchSession(options, backend, LoadDataset(options), shape => latency = MeasuredLatency(shape, backend, world)) { World = world };
        using var runLock = Writes(session) ? RunLock.Acquire(run.Path) : null;
        if (File.Exists(run.Checkpoint)) throw new BadInputException($"{run.Path} already holds a search with a checkpoint; continue it with --resume {run.Path}");
        if (Writes(session))
        {
            // A start killed before its first checkpoint leaves logs of iterations that will run again: begin them anew.
            foreach (string stale in new[] { run.Metrics, run.PiHistory, run.Warnings, run.NanReport })
                if (File.Exists(stale)) File.Delete(stale);
            OptionsFile.Write(run.Options, session.Options, backend.Name, backend.Precision, session.SplitClasses);
            latency?.Write(run.Latency);
            WriteMemoryReport(session, run);
            if (LearnsPi(session)) using (var history = new JsonLinesLog(run.PiHistory)) history.Append(PiLine(session));
        }
        return Run(session, run, progress, limits ?? RunLimits.None, null);
    }

    /// <summary>
    /// The latency table a new --cost latency search prices with: this machine's cached table for the search's network,
    /// or a new measurement (about half a minute on the CPU at C = 8, 5 cells), saved to the cache. Over MPI rank 0
    /// measures and every rank takes its table, so that all of them price alike.
    /// </summary>
    private static Cost.LatencyTable MeasuredLatency(Cost.CostShape shape, IBackend backend, MpiWorld? world)
    {
        string? json = null;
        if (world?.IsRoot ?? true)
        {
            var settings = new Cost.LatencySettings();
            string folder = Cost.LatencyTable.DefaultCacheFolder(), machine = Cost.LatencyMeasurement.Machine(backend);
            var table = Cost.LatencyTable.Load(folder, machine, shape, settings.Batch);
            if (table is null)
            {
                table = Cost.LatencyMeasurement.MeasureTable(backend, shape, settings);
                table.Save(folder);
            }
            json = System.Text.Json.JsonSerializer.Serialize(table);
        }
        if (world is not null) json = world.Broadcast(json);
        return System.Text.Json.JsonSerializer.Deserialize<Cost.LatencyTable>(json!)!;
    }

    /// <summary>Whether this process writes the run folder: a single process does; over MPI, rank 0 alone.</summary>
    private static bool Writes(SearchSession session) => session.World?.IsRoot ?? true;

    /// <param name="overrides">Step sizes to change from here on (see <see cref="StepSizeOverrides"/>).</param>
    /// <param name="concurrency">
    /// Sample workers for this invocation (null: automatic). The result does not depend on it, so it is chosen
    /// afresh rather than read from options.json (the run may resume on another machine or backend).
    /// </param>
    public static SearchResult Resume(RunFolder run, IBackend backend, ISearchProgress? progress = null, RunLimits? limits = null,
        StepSizeOverrides? overrides = null, int? concurrency = null, MpiWorld? world = null)
    {
        using var runLock = world?.IsRoot ?? true ? RunLock.Acquire(run.Path) : null;
        var saved = OptionsFile.Read(run.Options);
        var options = (overrides?.ApplyTo(saved) ?? saved) with { Concurrency = concurrency };
        // The table the search started with, not today's: the same prices give the same bits.
        using var session = new SearchSession(options, backend, LoadDataset(options), _ => KeptLatencyTable(run)) { World = world };
        session.Restore(run.Checkpoint);
        if (Writes(session))
        {
            if (overrides is { IsEmpty: false } || session.Options.Concurrency != saved.Concurrency)
                OptionsFile.Write(run.Options, session.Options, OptionsFile.ReadBackend(run.Options) ?? backend.Name, OptionsFile.ReadPrecision(run.Options) ?? backend.Precision,
                    session.SplitClasses);
            if (overrides is { IsEmpty: false }) OptionsHistory.Append(run, session.Iteration, saved, overrides);
            // Lines after the checkpoint were written by iterations that are about to run again.
            JsonLinesLog.TruncateAfter(run.Metrics, Reports.MetricsFile.Iteration, session.Iteration);
            JsonLinesLog.TruncateAfter(run.PiHistory, Reports.MetricsFile.Iteration, session.Iteration);
            if (File.Exists(run.NanReport)) File.Delete(run.NanReport);
        }
        return Run(session, run, progress, limits ?? RunLimits.None, overrides);
    }

    /// <summary>
    /// Whether the run in <paramref name="run"/> has done all its iterations. genotype.json alone does not say so: a
    /// PARSEC search stopped on request writes its result too, for a look at where it stands.
    /// </summary>
    public static bool IsFinished(RunFolder run)
    {
        if (!File.Exists(run.Genotype) || !File.Exists(run.Options) || !File.Exists(run.Metrics)) return false;
        int total = OptionsFile.Read(run.Options).Iterations ?? int.MaxValue;
        var rows = Reports.MetricsFile.Read(run.Metrics).Rows;
        return rows.Count > 0 && rows[^1].Values[Reports.MetricsFile.Iteration] >= total;
    }

    /// <summary>The training set of the options' dataset (its two halves fit the weights and pi).</summary>
    public static InMemoryDataset LoadDataset(SearchOptions options)
    {
        // The session validates again; this one makes bad options fail before a dataset that may take minutes to read.
        options.Validate();
        return DatasetSplitsLoader.Load(options.Dataset).Train;
    }

    private static SearchResult Run(SearchSession session, RunFolder run, ISearchProgress? progress, RunLimits limits, StepSizeOverrides? overrides)
    {
        var clock = Stopwatch.StartNew();
        int startIteration = session.Iteration;
        int? lastCheckpoint = File.Exists(run.Checkpoint) ? session.Iteration : null;
        IterationMetrics? last = null;
        var recentAccuracy = new Queue<double>();
        var outcome = SearchOutcome.Completed;
        NonFiniteReport? nonFinite = null;
        progress?.Started(session.Iteration, session.TotalIterations, session.WarmupIterations);
        bool writes = Writes(session);
        var warnings = new RunWarnings(writes ? run : null, progress);
        warnings.Add(session.SplitClasses.MissingClassesWarning());
        var health = new SearchHealth(session.NetworkOptions.Classes);
        using (var metrics = writes ? new JsonLinesLog(run.Metrics) : null)
        using (var history = writes && LearnsPi(session) ? new JsonLinesLog(run.PiHistory) : null)
        {
            while (!session.IsFinished)
            {
                if (StopAgreed(session, limits.Cancellation.IsCancellationRequested || session.Iteration >= limits.StopAfterIteration))
                {
                    outcome = SearchOutcome.Interrupted;
                    break;
                }
                try { last = session.Step(); }
                catch (NonFiniteValueException e)
                {
                    nonFinite = e.Report;
                    break;
                }
                warnings.Add(health.Observe(last));
                if (last.ValAccuracy is double accuracy)
                {
                    recentAccuracy.Enqueue(accuracy);
                    if (recentAccuracy.Count > RecentWindow) recentAccuracy.Dequeue();
                }
                int i = session.Iteration;
                if (i % session.Options.LogEvery == 0 || session.IsFinished)
                {
                    var line = last.ToJson();
                    overrides?.Tag(line);
                    metrics?.Append(line);
                    history?.Append(PiLine(session));
                }
                if (i % session.Options.CheckpointEvery == 0 || session.IsFinished)
                {
                    if ((nonFinite = TryCheckpoint(session, run)) is not null) break;
                    lastCheckpoint = i;
                    // The page and plots follow the checkpoints, so a running search is watched by reloading report.html.
                    if (writes && !session.IsFinished) DrawReport(session, run);
                }
                progress?.IterationCompleted(last, session.TotalIterations);
            }
        }
        // An interrupted run checkpoints where it stopped, so that a resume starts exactly there.
        if (outcome == SearchOutcome.Interrupted && lastCheckpoint != session.Iteration) nonFinite = TryCheckpoint(session, run);
        if (nonFinite is not null)
        {
            outcome = SearchOutcome.StoppedOnNonFiniteValue;
            if (writes)
            {
                AtomicFile.WriteAllText(run.NanReport, nonFinite.Describe(lastCheckpoint));
                DrawReport(session, run);
            }
        }
        // A diverged run writes no result: its state is past the last good checkpoint, which is where a resume starts.
        string? report = null;
        var derived = Derivation.Derive(session.Prior, noise: null);
        // Random search scores its candidates only once the weights are fully trained; stopped early, it has no result yet.
        bool resultDue = session.Options.Strategy == SearchStrategy.Parsec || session.IsFinished;
        if (outcome != SearchOutcome.StoppedOnNonFiniteValue && resultDue && writes) (derived, report) = WriteResult(session, run);
        return new SearchResult(run, outcome, session.Iteration, last, recentAccuracy.Count > 0 ? recentAccuracy.Average() : null,
            session.Prior, session.Prior.Entropy(), session.Prior.UniformEntropy(), derived, session.NetworkOptions.Classes,
            nonFinite, report, clock.Elapsed, startIteration, warnings.All);
    }

    /// <summary>Writes a checkpoint, or returns why it was not written: a state that holds a NaN or infinity is never saved.</summary>
    private static NonFiniteReport? TryCheckpoint(SearchSession session, RunFolder run)
    {
        try
        {
            if (Writes(session)) session.SaveCheckpoint(run.Checkpoint);
            else session.CheckCheckpointState(run.Checkpoint);
            return null;
        }
        catch (NonFiniteStateException e)
        {
            return new NonFiniteReport(session.Iteration, null, "checkpoint (state check before writing)", e.Tensor, null);
        }
    }

    /// <summary>
    /// pi.json, genotype.json and the plots; PARSEC adds pi's noise estimate and derives the genotype from pi, random
    /// search scores its candidates (candidates.json) and keeps the best. Returns the genotype and what the report drew.
    /// </summary>
    private static (DerivedGenotype Derived, string Report) WriteResult(SearchSession session, RunFolder run)
    {
        if (session.Alpha is { } alpha)
        {
            DartsAlphaFile.Write(run.File(DartsAlphaFile.FileName), alpha);
            var genotype = alpha.Derive();
            AtomicFile.WriteAllText(run.Genotype, genotype.ToJson());
            return (new DerivedGenotype(genotype, []), DrawReport(session, run));
        }
        if (session.Options.Strategy == SearchStrategy.RandomWs)
        {
            PriorJson.Save(session.Prior, run.Pi); // the uniform prior the candidates were drawn from
            var candidates = CandidateSelection.Score(session);
            int best = CandidateSelection.Best(candidates);
            CandidateSelection.Write(run.File(CandidateSelection.FileName), candidates, best, "highest validation accuracy among uniform draws");
            var genotype = candidates[best].Architecture.ToGenotype();
            AtomicFile.WriteAllText(run.Genotype, genotype.ToJson());
            return (new DerivedGenotype(genotype, []), DrawReport(session, run));
        }
        PriorJson.Save(session.Prior, run.Pi);
        var noise = DecisionNoiseWriter.Write(run.Path, session.Options, Math.Max(0, session.Iteration - session.WarmupIterations), session.Cost);
        var derived = Derivation.Derive(session.Prior, noise);
        if (session.Options.Pick == GenotypePick.Scored)
        {
            // pi proposes (its argmax first), the shared weights decide; the choices' margins describe pi's argmax, not this pick.
            var candidates = CandidateSelection.ScoreProposals(session, Architecture.FromGenotype(derived.Genotype));
            int best = CandidateSelection.MostLikelyUnderSharedWeights(candidates);
            CandidateSelection.Write(run.File(CandidateSelection.FileName), candidates, best, "highest validation log-likelihood among pi's argmax and draws from pi");
            derived = new DerivedGenotype(candidates[best].Architecture.ToGenotype(), []);
        }
        if (session.Cost is { } cost)
        {
            var (fitted, genotypeCost) = Cost.BudgetDerivation.Fit(derived.Genotype, session.Prior, cost.Table, cost.Target);
            derived = derived with { Genotype = fitted };
            AtomicFile.WriteAllText(run.File(GenotypeCostFile), System.Text.Json.JsonSerializer.Serialize(genotypeCost, CostJson));
        }
        AtomicFile.WriteAllText(run.Genotype, derived.Genotype.ToJson());
        return (derived, DrawReport(session, run));
    }

    private static string DrawReport(SearchSession session, RunFolder run) =>
        Reports.Html.RunViews.RefreshSearch(run.Path, session.TotalIterations, session.IsFinished);

    private static void WriteMemoryReport(SearchSession session, RunFolder run)
    {
        var configuration = new FootprintConfiguration(session.NetworkOptions, session.Options.BatchSize, session.TrainData.Height,
            IterationSamples: session.Options.Samples, InFlight: session.Options.Concurrency!.Value);
        MemoryReport.Write(run.MemoryJson, run.MemoryText, configuration, MemoryFootprint.Compare(configuration));
    }

    /// <summary>
    /// Whether to stop before the next iteration: in one process, this process's request; over MPI, any rank's (an
    /// interrupt may reach the ranks at different iterations, and all must stop at the same one).
    /// </summary>
    private static bool StopAgreed(SearchSession session, bool requested) =>
        session.World is not { Size: > 1 } world ? requested : world.AllGather([requested ? (byte)1 : (byte)0]).Any(b => b[0] == 1);

    /// <summary>This invocation's warnings: shown as they come, and kept in warnings.txt (with those of earlier invocations) and the result; a rank that does not write keeps them to itself.</summary>
    private sealed class RunWarnings(RunFolder? run, ISearchProgress? progress)
    {
        private readonly List<string> _all = [];

        public IReadOnlyList<string> All => _all;

        public void Add(string? message)
        {
            if (message is null || _all.Contains(message)) return;
            _all.Add(message);
            progress?.Warn(message);
            if (run is null) return;
            string earlier = File.Exists(run.Warnings) ? File.ReadAllText(run.Warnings) : "";
            if (!earlier.Contains(message)) AtomicFile.WriteAllText(run.Warnings, earlier + message + Environment.NewLine);
        }
    }

    /// <summary>The latency table a --cost latency search priced with, kept in its run folder: a resume or a derivation prices with it, not with today's.</summary>
    internal static Cost.LatencyTable KeptLatencyTable(RunFolder run) => File.Exists(run.Latency) ? Cost.LatencyTable.Read(run.Latency)
        : throw new BadInputException($"{run.Path} is a --cost latency search without its latency.json");

    /// <summary>cost.json: a cost-aware search's genotype cost against its target (<see cref="Cost.GenotypeCost"/>).</summary>
    public const string GenotypeCostFile = "cost.json";

    private static readonly System.Text.Json.JsonSerializerOptions CostJson = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower, WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The cost.json of a cost-aware search's run folder, or null when it has none.</summary>
    public static Cost.GenotypeCost? ReadGenotypeCost(RunFolder run) =>
        File.Exists(run.File(GenotypeCostFile)) ? System.Text.Json.JsonSerializer.Deserialize<Cost.GenotypeCost>(File.ReadAllText(run.File(GenotypeCostFile)), CostJson) : null;

    /// <summary>Only PARSEC moves pi: the other strategies keep no pi history.</summary>
    private static bool LearnsPi(SearchSession session) => session.Options.Strategy == SearchStrategy.Parsec;

    private static JsonObject PiLine(SearchSession session) => new()
    {
        ["iteration"] = session.Iteration,
        ["normal"] = PriorJson.CellProbabilities(session.Prior, CellType.Normal),
        ["reduce"] = PriorJson.CellProbabilities(session.Prior, CellType.Reduce),
    };
}
