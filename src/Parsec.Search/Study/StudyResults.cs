using System.Text.Json;
using Parsec.Search.Reports;
using Parsec.Search.Training;

namespace Parsec.Search.Study;

/// <summary>One genotype's trainings: test accuracy per seed, their mean and standard error, size and compute time.</summary>
/// <param name="Strategy">The search strategy that found a searched genotype (<see cref="Loop.SearchStrategyConverter.Name"/>); null for the others.</param>
/// <param name="MultiplyAdds">Of one image's forward pass through the trained network (<see cref="Cost.NetworkCost"/>); 0 when not counted.</param>
internal sealed record GenotypeResult(string Name, GenotypeKind Kind, string Genotype, double[] Accuracies, long Parameters, double TrainingSeconds,
    string? Strategy = null, long MultiplyAdds = 0)
{
    public double Mean => Accuracies.Average();

    /// <summary>Sample standard deviation over the seeds divided by sqrt(seeds); NaN with one seed.</summary>
    public double StandardError => Accuracies.Length < 2 ? double.NaN
        : Math.Sqrt(Accuracies.Sum(a => (a - Mean) * (a - Mean)) / (Accuracies.Length - 1) / Accuracies.Length);
}

/// <summary>
/// What one search of a study cost: its measured time, and the images it ran through forward-and-backward passes of
/// one sampled architecture, forward-only passes, and forward-and-backward passes of DARTS' supernet (which runs
/// every candidate). Strategies are compared by time: the three kinds of pass cost too differently to add up.
/// <paramref name="PeakMib"/> is the backend's peak memory during the search.
/// </summary>
internal sealed record SearchCompute(string Search, string Strategy, double Seconds, long TrainingImages, long ForwardImages, long SupernetImages = 0, double PeakMib = 0);

/// <summary>
/// One strategy's searched genotypes (one per search seed) judged against the random genotypes: their mean test
/// accuracy against the median of the random genotypes' means, in standard errors of that mean: over search seeds when
/// there are several (a search is judged by what another seed would give), over training seeds when there is one. The
/// strategy beats random when the margin exceeds 2.
/// </summary>
internal sealed record StrategyResult(string Name, IReadOnlyList<GenotypeResult> Searched, IReadOnlyList<int> Ranks, double? RandomMedian,
    IReadOnlyList<SearchCompute> Compute)
{
    public double Mean => Searched.Average(r => r.Mean);
    public bool StandardErrorOverSearchSeeds => Searched.Count > 1;
    /// <summary>Over search seeds (sample standard deviation of their means / sqrt(seeds)) when there are several, else over training seeds.</summary>
    public double? StandardError => Searched.Count switch
    {
        1 => double.IsNaN(Searched[0].StandardError) ? null : Searched[0].StandardError,
        var n => Math.Sqrt(Searched.Sum(r => (r.Mean - Mean) * (r.Mean - Mean)) / (n - 1) / n),
    };
    public int WorstRank => Ranks.Max();
    public double? Margin => RandomMedian is double m ? Mean - m : null;
    public double? MarginInStandardErrors => Margin is double d && StandardError is double se && se > 0 ? d / se : null;
    public bool BeatsRandom => MarginInStandardErrors > 2;
    /// <summary>One search's compute, averaged over the strategy's searches; null when no search's cost is known.</summary>
    public SearchCompute? MeanCompute => Compute.Count == 0 ? null
        : new SearchCompute(Name, Name, Compute.Average(c => c.Seconds), (long)Compute.Average(c => c.TrainingImages), (long)Compute.Average(c => c.ForwardImages),
            (long)Compute.Average(c => c.SupernetImages), Compute.Max(c => c.PeakMib));
}

/// <summary>
/// What a study found. Each searched genotype (one per strategy and search seed) is ranked against the genotypes that
/// were not searched (random and published), so "rank 1 of 8" means the same with one search or several, and each
/// strategy is judged on its own (<see cref="StrategyResult"/>).
/// </summary>
/// <param name="Estimates">Per search: what it believed of every genotype when it ended.</param>
/// <param name="Budget">How long the searches trained their shared weights and each genotype was trained; null when unknown.</param>
/// <param name="Searches">What each search cost.</param>
internal sealed record StudyResult(string Folder, string? UnfinishedAt, IReadOnlyList<GenotypeResult> Rows, double SearchSeconds,
    IReadOnlyList<SearchEstimates>? Estimates = null, StudyBudgetSummary? Budget = null, IReadOnlyList<SearchCompute>? Searches = null)
{
    /// <summary>The cost a cost-aware study's searches and random genotypes were held to; null in a study without one.</summary>
    public Cost.CostMeasure? CostMeasure { get; init; }
    public double? CostTarget { get; init; }

    /// <summary>Per search: how well its estimates ordered the genotypes by their trained mean accuracy.</summary>
    public IReadOnlyList<SearchRanking> Rankings => Estimates?.Select(e => e.RankAgainst(Rows.ToDictionary(r => r.Name, r => r.Mean))).ToList() ?? [];

    /// <summary>The same over the genotypes no search produced (random and published): how well the estimates order unrelated cells.</summary>
    public IReadOnlyList<SearchRanking> RankingsOfOthers => Estimates?.Select(e => e.RankAgainst(Rows.ToDictionary(r => r.Name, r => r.Mean),
        name => Rows.First(r => r.Name == name).Kind != GenotypeKind.Searched)).ToList() ?? [];

    /// <summary>A genotype's shared-weight validation accuracy averaged over the searches that scored it; null when none did.</summary>
    public double? EstimatedAccuracy(string genotype)
    {
        var values = (Estimates ?? []).SelectMany(e => e.Genotypes).Where(g => g.Name == genotype && g.ValidationAccuracy is not null)
            .Select(g => g.ValidationAccuracy!.Value).ToList();
        return values.Count == 0 ? null : values.Average();
    }

    public bool Finished => UnfinishedAt is null;
    public IReadOnlyList<GenotypeResult> Searched => Rows.Where(r => r.Kind == GenotypeKind.Searched).ToList();
    public IReadOnlyList<GenotypeResult> Random => Rows.Where(r => r.Kind == GenotypeKind.Random).ToList();
    private IReadOnlyList<GenotypeResult> NotSearched => Rows.Where(r => r.Kind != GenotypeKind.Searched).ToList();

    /// <summary>The searched genotypes by strategy, in the order the study lists them.</summary>
    public IReadOnlyList<StrategyResult> Strategies => Searched.GroupBy(r => r.Strategy ?? Loop.SearchStrategyConverter.Name(Loop.SearchStrategy.Parsec))
        .Select(g => new StrategyResult(g.Key, g.ToList(), g.Select(RankOf).ToList(), RandomMedian, (Searches ?? []).Where(c => c.Strategy == g.Key).ToList()))
        .ToList();

    /// <summary>1 when <paramref name="searched"/> has the best mean among itself and the genotypes that were not searched.</summary>
    public int RankOf(GenotypeResult searched) => 1 + NotSearched.Count(r => r.Mean > searched.Mean);
    /// <summary>The "of N" of a rank: the genotypes that were not searched, and one searched genotype.</summary>
    public int RankedCount => NotSearched.Count + 1;

    public double? RandomMedian => Random.Count == 0 ? null : Reports.Statistics.Median(Random.Select(r => r.Mean));
    public double TrainingSeconds => Rows.Sum(r => r.TrainingSeconds);
    public double RandomTrainingSeconds => Random.Sum(r => r.TrainingSeconds);

    public static StudyResult Unfinished(StudyFolder folder, string at) => new(folder.Path, at, [], 0);

}

/// <summary>
/// The budgets a study's verdict holds for. A search judges cells by shared weights trained for a short while, which
/// favours cells that learn fast; the evaluation budget is the one the verdict is about, so both are stated.
/// </summary>
/// <param name="SearchWeightImages">Images in the part of the training set that trains a search's shared weights.</param>
/// <param name="SearchImagesPerIteration">Batch size times the samples that train the weights.</param>
internal sealed record StudyBudgetSummary(int SearchIterations, int SearchWarmupIterations, int SearchBatchSize, int SearchWeightImages,
    int SearchImagesPerIteration, int TrainingEpochs, int TrainingImages)
{
    /// <summary>Epochs of its part the shared weights were trained for, counting one pass of a batch per iteration (each pass trains several sampled architectures).</summary>
    public double SearchEpochs => (double)SearchIterations * SearchBatchSize / Math.Max(1, SearchWeightImages);

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"budget: each search trained its shared weights for {SearchEpochs:0.0} epochs of its {SearchWeightImages:N0}-image part ({SearchIterations} iterations of batch {SearchBatchSize}, " +
        $"{SearchWarmupIterations} of them warm-up, {SearchImagesPerIteration / SearchBatchSize} sampled architectures trained per batch); each genotype was trained for {TrainingEpochs} epochs of {TrainingImages:N0} images.");
}

/// <summary>Reads a finished study's training folders into a <see cref="StudyResult"/>.</summary>
internal static class StudyResults
{
    /// <param name="searches">What each search the study ran or took cost (their times add up to the search time).</param>
    /// <param name="estimates">The searches' own estimates of the genotypes (<see cref="SearchEstimates"/>), to rank against the trained accuracies.</param>
    public static StudyResult Collect(StudyFolder folder, IReadOnlyList<StudyGenotype> genotypes, int seeds, IReadOnlyList<SearchCompute> searches,
        IReadOnlyList<SearchEstimates>? estimates = null, StudyBudgetSummary? budget = null, Cost.CostShape? shape = null)
    {
        var rows = genotypes.Select(g =>
        {
            var accuracies = new double[seeds];
            long parameters = 0;
            double seconds = 0;
            for (int s = 0; s < seeds; s++)
            {
                string run = folder.Training(g.Name, s);
                using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, EvaluationRun.ResultFileName)));
                accuracies[s] = result.RootElement.GetProperty(MetricsFile.TestAcc).GetDouble();
                parameters = result.RootElement.GetProperty("parameters_without_auxiliary").GetInt64();
                seconds += SumOf(Path.Combine(run, MetricsFile.FileName), MetricsFile.EpochSeconds) ?? 0;
            }
            return new GenotypeResult(g.Name, g.Kind, g.Genotype.ToString(), accuracies, parameters, seconds,
                g.Kind == GenotypeKind.Searched ? g.Strategy ?? Loop.SearchStrategyConverter.Name(Loop.SearchStrategy.Parsec) : null,
                shape is null ? 0 : Cost.NetworkCost.Of(g.Genotype, shape).MultiplyAdds);
        }).ToList();
        return new StudyResult(folder.Path, null, rows, searches.Sum(c => c.Seconds), estimates, budget, searches);
    }

    /// <summary>The cost of the search in <paramref name="runFolder"/>: its step times and the images its options sent through each kind of pass.</summary>
    public static SearchCompute SearchCost(string label, string runFolder)
    {
        var run = new RunFiles.RunFolder(runFolder);
        var options = Loop.OptionsFile.Read(run.Options);
        var (training, forward, supernet) = options.ImagesThroughPasses();
        double peak = File.Exists(run.Metrics) ? MetricsFile.Read(run.Metrics).Rows.Select(r => r.TryGet(MetricsFile.MemoryMib, out double m) ? m : 0).DefaultIfEmpty(0).Max() : 0;
        return new SearchCompute(label, Loop.SearchStrategyConverter.Name(options.Strategy), (SumOf(run.Metrics, MetricsFile.StepMs) ?? 0) / 1000, training, forward, supernet, peak);
    }

    private static double? SumOf(string metricsPath, string key)
    {
        if (!File.Exists(metricsPath)) return null;
        var log = MetricsFile.Read(metricsPath);
        return log.Rows.Sum(r => r.TryGet(key, out double v) ? v : 0);
    }
}
