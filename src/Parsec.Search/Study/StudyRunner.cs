using Parsec.Search.Reports.Html;
using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Reports;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Study;

/// <summary>Receives a study's progress: one line per step of work, and the share of the work done.</summary>
internal interface IStudyProgress
{
    void Report(string message, double fractionDone);
}

/// <summary>
/// Runs a study (see <see cref="StudyOptions"/>): the search, or pi from elsewhere; the searched genotype
/// (<see cref="Derivation"/>); the random and named genotypes; one training per genotype and seed; the results.
/// Every part is a run folder that resumes on its own, so <see cref="Resume"/> after an interruption repeats no
/// finished work and ends with the same results as an uninterrupted study.
/// </summary>
internal sealed class StudyRunner
{
    private readonly StudyOptions _options;
    private readonly StudyFolder _folder;
    private readonly IBackend _backend;
    private readonly IStudyProgress? _progress;
    private readonly IReadOnlyList<StudyFolder> _reuse;
    /// <summary>Every --reuse study: searches are reused from any with the same search options, trainings only from those with the same data and budget.</summary>
    private readonly IReadOnlyList<StudyFolder> _allReuse;
    private Cost.TermCostTable? _costTable;

    /// <summary>The MPI job the study is spread over (null: one process); see <see cref="Run"/>.</summary>
    private readonly Distributed.MpiWorld? _world;

    private bool IsRoot => _world?.IsRoot ?? true;

    private StudyRunner(StudyOptions options, StudyFolder folder, IBackend backend, IStudyProgress? progress, IReadOnlyList<StudyFolder> reuse,
        Distributed.MpiWorld? world = null)
    {
        _world = world;
        _options = options;
        _folder = folder;
        _backend = backend;
        _progress = progress;
        _allReuse = reuse;
        _reuse = reuse.Where(r => SameBudget(r, options)).ToList();
    }

    /// <summary>
    /// A new study in <paramref name="folder"/>, which must not hold one. Trainings found finished in a <paramref name="reuse"/>
    /// study with the same data and budget are copied, not repeated. Everything that can be checked (options, data,
    /// the given search, the reused studies) is checked before study.json is written: a refused study leaves nothing behind.
    /// </summary>
    public static StudyResult Start(StudyOptions options, string folder, IBackend backend, IStudyProgress? progress = null,
        IReadOnlyList<string>? reuse = null, StudyLimits? limits = null, Distributed.MpiWorld? world = null)
    {
        options.Validate();
        var study = new StudyFolder(folder);
        if (File.Exists(study.Options)) throw new BadInputException($"--out: {folder} already holds a study; continue it with --resume {folder}");
        if (File.Exists(study.Path)) throw new BadInputException($"--out: {folder} is a file; name a folder for the study");
        if (options.SearchFrom is { } from && !File.Exists(PiFile(from)))
            throw new BadInputException($"--search: {from} holds no {Path.GetFileName(PiFile(from))}: give a search run folder that finished, or a pi.json");
        var data = DatasetSplitsLoader.Load(options.Data);
        var others = (reuse ?? []).Select(r => new StudyFolder(r)).ToList();
        var runner = new StudyRunner(options, study, backend, progress, others, world);
        world?.Barrier(); // every rank has checked the folder before rank 0 writes in it
        using var studyLock = world?.IsRoot ?? true ? CreateAndLock(study, options, reuse ?? []) : null;
        world?.Barrier(); // the other ranks start once study.json is there
        return runner.Run(limits ?? StudyLimits.None, data);
    }

    /// <summary>Continues the study in <paramref name="folder"/>, holding its lock: finished parts are kept, unfinished ones resume.</summary>
    public static StudyResult Resume(string folder, IBackend backend, IStudyProgress? progress = null, IReadOnlyList<string>? reuse = null,
        StudyLimits? limits = null, Distributed.MpiWorld? world = null)
    {
        var study = new StudyFolder(folder);
        var options = StudyJson.Load(study.Options);
        using var studyLock = world?.IsRoot ?? true ? RunLock.Acquire(study.Path) : null;
        var folders = ReuseList.Resumed(study, reuse ?? [], write: world?.IsRoot ?? true, out var missing);
        foreach (string gone in missing) progress?.Report($"--reuse {gone}: no longer there; its work is redone instead of copied", 0);
        var others = folders.Select(r => new StudyFolder(r)).ToList();
        return new StudyRunner(options, study, backend, progress, others, world).Run(limits ?? StudyLimits.None, DatasetSplitsLoader.Load(options.Data));
    }

    private static RunLock CreateAndLock(StudyFolder study, StudyOptions options, IReadOnlyList<string> reuse)
    {
        Directory.CreateDirectory(study.Path);
        var studyLock = RunLock.Acquire(study.Path);
        ReuseList.Save(study, reuse);
        AtomicFile.WriteAllText(study.Options, StudyJson.ToJson(options));
        return studyLock;
    }

    /// <summary>One search of the study: its run folder (or the pi.json it was given), what it is called, its strategy, and its seed when the study runs it.</summary>
    private sealed record StudySearch(string Label, string Source, string GenotypeName, SearchStrategy Strategy, ulong? Seed);

    /// <summary>
    /// The study's searches: the one it was given (--search); with PARSEC alone, its one search in search/ (named
    /// "searched") or one per search seed in search-seed-S/ ("searched-seed-S"); otherwise one per strategy and seed in
    /// STRATEGY-seed-S/, named the same.
    /// </summary>
    private IReadOnlyList<StudySearch> Searches()
    {
        if (_options.SearchFrom is { } from) return [new StudySearch("search", from, "searched", SearchStrategy.Parsec, null)];
        var seeds = _options.EffectiveSearchSeeds;
        var strategies = _options.EffectiveStrategies;
        if (strategies is [SearchStrategy.Parsec])
        {
            if (seeds.Count == 1) return [new StudySearch("search", _folder.Search, "searched", SearchStrategy.Parsec, seeds[0])];
            return seeds.Select(seed => new StudySearch($"search-seed-{seed}", _folder.File($"search-seed-{seed}"), $"searched-seed-{seed}", SearchStrategy.Parsec, (ulong?)seed)).ToList();
        }
        return strategies.SelectMany(strategy => seeds.Select(seed =>
        {
            string label = $"{SearchStrategyConverter.Name(strategy)}-seed-{seed}";
            return new StudySearch(label, _folder.File(label), label, strategy, (ulong?)seed);
        })).ToList();
    }

    /// <summary>
    /// The study's steps, each resumable. Over MPI ranks every search is spread over all of them; rank 0 alone derives
    /// the genotypes, scores them and writes every study file, the others reading what it wrote after a barrier; and the
    /// trainings (in the study's order) go to the ranks one at a time from a queue kept by rank 0, each an ordinary train
    /// folder, so that a resume under any number of ranks repeats no finished training.
    /// </summary>
    private StudyResult Run(StudyLimits limits, DatasetSplits data)
    {
        var searches = Searches();
        foreach (var search in searches.Where(s => s.Seed is not null))
        {
            bool searched = SearchHere(search, limits);
            RefreshPage();
            if (!searched) return StudyResult.Unfinished(_folder, search.Label);
            _world?.Barrier(); // rank 0 has written the search's result
        }

        var genotypes = IsRoot ? Genotypes(searches) : null;
        var estimates = IsRoot ? Estimates(searches, genotypes!) : null;
        _world?.Barrier();
        genotypes ??= StudyGenotype.Load(_folder.Genotypes);
        estimates ??= SearchEstimates.Load(_folder.Estimates);
        int total = genotypes.Count * _options.Seeds;
        int stopAt = Math.Min(total, limits.StopAfterTrainings ?? total);
        // Training i is genotype i / seeds with seed i mod seeds; every rank asks rank 0's queue for its next one.
        using (var queue = new Distributed.WorkQueue(stopAt, _world))
        {
            int next = 0;
            while (!limits.Cancellation.IsCancellationRequested && queue.Take() is int i)
            {
                Train(genotypes[i / _options.Seeds], i % _options.Seeds, data, i + 1, total, limits.Cancellation);
                RefreshPage();
                next = i + 1;
            }
            if (limits.Cancellation.IsCancellationRequested) return StudyResult.Unfinished(_folder, $"training {next + 1} of {total}");
            // On rank 0 this waits until every rank has had its last training.
            if (queue.Close() is { } handed && _world is { Size: > 1 })
                _progress?.Report("trainings from rank 0's queue: " + string.Join(", ", handed.Select((n, rank) => $"rank {rank} took {n}")), (double)stopAt / total);
        }
        if (stopAt < total) return StudyResult.Unfinished(_folder, $"training {stopAt + 1} of {total}");
        _world?.Barrier(); // every rank's trainings are finished
        var costs = searches.Where(s => File.Exists(new RunFolder(s.Source).Options)).Select(s => StudyResults.SearchCost(s.Label, s.Source)).ToList();
        var shape = CostShapeOf(_options, data);
        var result = StudyResults.Collect(_folder, genotypes, _options.Seeds, costs, estimates, Budget(searches, data), shape) with
        {
            CostMeasure = _options.Search.Cost, CostTarget = _options.Search.CostTarget,
        };
        if (IsRoot) StudyReport.Write(_folder, result);
        RefreshPage();
        return result;
    }

    /// <summary>Rewrites the study's report.html (rank 0 alone writes it), so that a running study is watched by reloading it.</summary>
    private void RefreshPage()
    {
        if (IsRoot && Reports.Html.RunViews.Attempt(() => StudyPage.Write(_folder)) is { } failure) System.Console.Error.WriteLine($"warning: {failure}");
    }

    /// <summary>The first search's budget (from its options.json) beside the trainings'; null when the search's options are not at hand.</summary>
    private StudyBudgetSummary? Budget(IReadOnlyList<StudySearch> searches, DatasetSplits data)
    {
        if (searches.FirstOrDefault(s => Directory.Exists(s.Source)) is not { } search) return null;
        var run = new RunFolder(search.Source);
        if (!File.Exists(run.Options) || OptionsFile.ReadSplitClasses(run.Options) is not { } split) return null;
        var options = OptionsFile.Read(run.Options);
        int iterations = options.Iterations ?? 0;
        return new StudyBudgetSummary(iterations, options.WarmupIterations(iterations), options.BatchSize, split.Weights.Sum(),
            options.BatchSize * (options.WeightSamples ?? options.Samples), _options.Training.Epochs, data.Train.Count);
    }

    /// <summary>Runs (or resumes, or copies from a --reuse study) one search; false when it stopped before its end.</summary>
    private bool SearchHere(StudySearch search, StudyLimits limits)
    {
        var run = new RunFolder(search.Source);
        if (SearchRunner.IsFinished(run)) return true;
        var options = _options.Search with
        {
            Dataset = _options.Data with { TestCount = null }, Seed = search.Seed!.Value, Strategy = search.Strategy,
            Commit = search.Strategy == SearchStrategy.Parsec ? _options.Search.Commit : null, // the others learn no pi to commit
        };
        if (search.Strategy == SearchStrategy.Darts) options = options with { Iterations = _options.DartsIterations ?? options.Iterations };
        // Rank 0 copies; every rank learns whether it did.
        bool copied = IsRoot && CopySearchFromReuse(options, run);
        if (_world is not null) copied = _world.Broadcast(copied ? "copied" : "") == "copied";
        if (copied)
        {
            _progress?.Report($"{search.Label}: copied from an earlier study with the same data and search options", 0);
            return true;
        }
        var progress = new SearchProgressAdapter(_progress, search.Label);
        var runLimits = new RunLimits(Cancellation: limits.Cancellation);
        SearchResult outcome;
        if (File.Exists(run.Checkpoint)) outcome = SearchRunner.Resume(run, _backend, progress, runLimits, world: _world);
        else
        {
            if (IsRoot) Directory.CreateDirectory(run.Path);
            _world?.Barrier();
            outcome = SearchRunner.Start(options, _backend, run, progress, runLimits, _world);
        }
        if (outcome.Outcome == SearchOutcome.StoppedOnNonFiniteValue)
            throw new InvalidOperationException($"the study's {search.Label} stopped on a non-finite value; see {run.NanReport}");
        return outcome.Outcome == SearchOutcome.Completed;
    }

    /// <summary>A finished search of a --reuse study with these options (the worker count aside, which does not change the result), copied whole.</summary>
    private bool CopySearchFromReuse(SearchOptions options, RunFolder target)
    {
        foreach (var other in _allReuse)
            // A study's searches are its folders that hold options.json (search*, or STRATEGY-seed-S with several strategies).
            foreach (string folder in Directory.EnumerateDirectories(other.Path).Order(StringComparer.Ordinal))
            {
                var candidate = new RunFolder(folder);
                if (!File.Exists(candidate.Options) || !SearchRunner.IsFinished(candidate)) continue;
                if (OptionsFile.ReadSplitClasses(candidate.Options) is not { } split) continue; // written before the stratified split
                if (!SameSearch(OptionsFile.Read(candidate.Options) with { Concurrency = null }, options, split.Pi.Sum())) continue;
                CopyFolder(candidate.Path, target.Path);
                return true;
            }
        return false;
    }

    /// <summary>
    /// Equal searches. The saved options are resolved (<see cref="SearchOptions.Resolved"/>); resolving the wanted ones
    /// for the same image size and pi's part gives the same automatic values (they depend on the iterations, which a study
    /// sets, and the warm-up on pi's part, which options.json records), and only the epochs, which depend on the data's
    /// size, are taken from the saved side.
    /// </summary>
    private static bool SameSearch(SearchOptions saved, SearchOptions wanted, int savedPriorImages) =>
        wanted.Iterations is not null
        && saved == wanted.Resolved(iterationsPerEpoch: 1, saved.Dataset.ImageSize, savedPriorImages) with { Epochs = saved.Epochs, Concurrency = null };

    private static string PiFile(string from) => Directory.Exists(from) ? new RunFolder(from).Pi : from;

    /// <summary>The searched genotypes first (one per search), then the random ones, then the named ones; written once, read back on resume.</summary>
    private IReadOnlyList<StudyGenotype> Genotypes(IReadOnlyList<StudySearch> searches)
    {
        if (File.Exists(_folder.Genotypes)) return StudyGenotype.Load(_folder.Genotypes);
        var list = new List<StudyGenotype>();
        TermInputs? termInputs = null;
        foreach (var search in searches)
        {
            var searched = SearchedGenotype(search.Source, out var inputs);
            // The random baseline is drawn from the study's space: a search of another space would be judged against the wrong one.
            SearchSpace.RequireSame(_options.Search.Space, searched.Space, $"the searched genotype of {search.Source}");
            list.Add(new StudyGenotype(search.GenotypeName, GenotypeKind.Searched, searched, SearchStrategyConverter.Name(search.Strategy)));
            termInputs ??= inputs;
        }
        var random = RandomGenotypes.Sample(_options.RandomGenotypes, _options.RandomSeed, termInputs ?? _options.Search.TermInputs, _options.Search.Space, UnderTheCostCap());
        list.AddRange(random.Select((g, i) => new StudyGenotype($"random-{i + 1}", GenotypeKind.Random, g)));
        list.AddRange(_options.Also.Select(name => new StudyGenotype(name.ToUpperInvariant(), GenotypeKind.Published, PublishedGenotypes.ByName[name])));
        AtomicFile.WriteAllText(_folder.Genotypes, StudyGenotype.ToJson(list));
        return list;
    }

    /// <summary>With a cost target the random genotypes are drawn under it too (the baseline matched in cost); otherwise every draw is kept.</summary>
    private Func<Architecture, bool> UnderTheCostCap()
    {
        if (CostTable() is not { } table) return _ => true;
        double target = _options.Search.CostTarget!.Value;
        return architecture => table.CostOf(architecture) <= target;
    }

    /// <summary>The evaluation network every genotype of the study is trained as.</summary>
    public static Cost.CostShape CostShapeOf(StudyOptions options) => CostShapeOf(options, DatasetSplitsLoader.Load(options.Data));

    private static Cost.CostShape CostShapeOf(StudyOptions options, DatasetSplits data) =>
        new(options.Training.Channels, options.Training.Layers, data.Height, data.Channels, data.Classes) { Space = options.Search.Space };

    /// <summary>
    /// PARSEC's result is derived from pi (with today's derivation, whatever wrote genotype.json); another strategy's, a
    /// cost-aware search's, or a search's with a scored pick, is its genotype.json. <paramref name="termInputs"/>: the rule its space used for a node's inputs.
    /// </summary>
    /// <remarks>
    /// A study with a cost target given pi of a search without one (--search) derives pi's most likely genotype within
    /// the target's budget (<see cref="Cost.BudgetDerivation"/>): one search, judged at any budget.
    /// </remarks>
    private Genotype SearchedGenotype(string source, out TermInputs termInputs)
    {
        var run = Directory.Exists(source) ? new RunFolder(source) : null;
        // A cost-aware search's genotype.json is pi's most likely genotype within the target's budget, and a scored pick's
        // the proposal the shared weights preferred: not pi's argmax itself.
        if (run is not null && File.Exists(run.Options) && OptionsFile.Read(run.Options) is var options && !options.GenotypeIsPisArgmax())
        {
            termInputs = options.TermInputs;
            return Genotype.Load(run.Genotype);
        }
        string piPath = PiFile(source);
        var prior = PriorJson.Load(piPath);
        termInputs = prior.TermInputs;
        var mostLikely = Derivation.Derive(prior, DecisionNoiseFile.LoadBeside(piPath)).Genotype;
        return CostTable() is { } table ? Cost.BudgetDerivation.Fit(mostLikely, prior, table, _options.Search.CostTarget).Genotype : mostLikely;
    }

    /// <summary>The study's exact cost table when it has a cost target (the random genotypes' cap and the searched genotype's budget); null otherwise.</summary>
    private Cost.TermCostTable? CostTable() =>
        _options.Search is { Cost: { } measure, CostTarget: not null } ? _costTable ??= Cost.TermCostTable.Build(CostShapeOf(_options), measure) : null;

    /// <summary>Every search's estimate of every genotype, measured once before the trainings (what the searches believed, not fitted to the results).</summary>
    private IReadOnlyList<SearchEstimates> Estimates(IReadOnlyList<StudySearch> searches, IReadOnlyList<StudyGenotype> genotypes)
    {
        if (File.Exists(_folder.Estimates))
        {
            var saved = SearchEstimates.Load(_folder.Estimates);
            if (saved.Select(e => e.Search).SequenceEqual(searches.Select(s => s.Label))) return saved;
        }
        var all = searches.Select(search =>
        {
            _progress?.Report($"{search.Label}: scoring the {genotypes.Count} genotypes with its shared weights and pi", 0);
            return SearchEstimates.Measure(search.Label, search.Source, genotypes, _backend);
        }).ToList();
        SearchEstimates.Save(_folder.Estimates, all);
        return all;
    }

    private void Train(StudyGenotype genotype, int seed, DatasetSplits data, int number, int total, CancellationToken cancel)
    {
        string folder = _folder.Training(genotype.Name, seed);
        string label = $"training {number}/{total}: {genotype.Name}, seed {seed}";
        double Fraction(double epochs) => (number - 1 + epochs / _options.Training.Epochs) / total;
        if (File.Exists(Path.Combine(folder, EvaluationRun.ResultFileName))) return;
        if (CopyFromReuse(genotype, seed, folder))
        {
            _progress?.Report($"{label}: copied from an earlier study with the same data and budget", Fraction(_options.Training.Epochs));
            return;
        }
        bool resume = File.Exists(Path.Combine(folder, EvaluationCheckpoint.CheckpointFileName));
        using var run = resume ? EvaluationRun.Resume(_backend, folder, data)
            : EvaluationRun.Start(_backend, folder, genotype.Genotype, _options.Training with { Seed = (ulong)seed }, _options.Data, data);
        var result = run.Train(m => _progress?.Report(
            $"{label}: epoch {m.Epoch}/{_options.Training.Epochs}, train acc {100 * m.TrainAccuracy:0.0} %" +
            (m.TestAccuracy is double acc ? $", test acc {100 * acc:0.00} %" : ""), Fraction(m.Epoch)), cancel);
        _progress?.Report($"{label}: test accuracy {100 * result.TestAccuracy:0.00} %", Fraction(_options.Training.Epochs));
    }

    private bool CopyFromReuse(StudyGenotype genotype, int seed, string folder)
    {
        string json = genotype.Genotype.ToJson();
        foreach (var other in _reuse)
        {
            if (!File.Exists(other.Genotypes)) continue;
            var match = StudyGenotype.Load(other.Genotypes).FirstOrDefault(g => g.Genotype.ToJson() == json);
            if (match is null) continue;
            string source = other.Training(match.Name, seed);
            if (!File.Exists(Path.Combine(source, EvaluationRun.ResultFileName))) continue;
            CopyFolder(source, folder);
            return true;
        }
        return false;
    }

    private static void CopyFolder(string source, string target)
    {
        // Copied into a temporary sibling and renamed, so that an interruption never leaves a half-copied training.
        string temporary = target + ".copying";
        if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
        Directory.CreateDirectory(temporary);
        foreach (string file in Directory.EnumerateFiles(source))
            File.Copy(file, Path.Combine(temporary, Path.GetFileName(file)));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(temporary, target);
    }

    private static bool SameBudget(StudyFolder other, StudyOptions options)
    {
        if (!File.Exists(other.Options)) throw new BadInputException($"--reuse: {other.Path} holds no study.json");
        var theirs = StudyJson.Load(other.Options);
        return theirs.Data == options.Data && theirs.Training == options.Training;
    }

    /// <summary>Shows the study's search as part of the study's progress.</summary>
    private sealed class SearchProgressAdapter(IStudyProgress? progress, string label) : ISearchProgress
    {
        private int _lastPercent = -1;

        public void Started(int completedIterations, int totalIterations, int warmupIterations) =>
            progress?.Report($"{label}: {ISearchProgress.StartLine(completedIterations, totalIterations, warmupIterations)}", 0);

        public void IterationCompleted(IterationMetrics metrics, int totalIterations)
        {
            int percent = 100 * metrics.Iteration / totalIterations;
            if (percent / 10 == _lastPercent / 10 && metrics.Iteration < totalIterations) return;
            _lastPercent = percent;
            progress?.Report($"{label}: iteration {metrics.Iteration}/{totalIterations}, train acc {100 * metrics.TrainAccuracy:0.0} %" +
                (metrics.ValAccuracy is double val ? $", val acc {100 * val:0.0} %, pi entropy {metrics.PiEntropy:0.00}" : " (warm-up)"), 0);
        }

        public void Warn(string message) => progress?.Report($"{label}: warning: {message}", 0);
    }
}

/// <param name="StopAfterTrainings">Stop before the training that would exceed this many (for tests of resuming; null: run to the end).</param>
internal sealed record StudyLimits(int? StopAfterTrainings = null, CancellationToken Cancellation = default)
{
    public static readonly StudyLimits None = new();
}
