using System.Text.Json;
using Parsec.Search.Reports;
using Parsec.Search.Training;

namespace Parsec.Search.Study;

/// <summary>One genotype's trainings: test accuracy per seed, their mean and standard error, size and compute time.</summary>
public sealed record GenotypeResult(string Name, GenotypeKind Kind, string Genotype, double[] Accuracies, long Parameters, double TrainingSeconds)
{
    public double Mean => Accuracies.Average();

    /// <summary>Sample standard deviation over the seeds divided by sqrt(seeds); NaN with one seed.</summary>
    public double StandardError => Accuracies.Length < 2 ? double.NaN
        : Math.Sqrt(Accuracies.Sum(a => (a - Mean) * (a - Mean)) / (Accuracies.Length - 1) / Accuracies.Length);
}

/// <summary>
/// What a study found. Each searched genotype (one per search seed) is ranked against the genotypes that were not
/// searched (random and published), so "rank 1 of 8" means the same with one search seed or several. The verdict
/// compares the searched genotypes' mean test accuracy with the median of the random genotypes' means, in standard
/// errors of that mean: over search seeds when there are several (a search is judged by what another seed would give),
/// over training seeds when there is one. The search beats random when the margin exceeds 2.
/// </summary>
/// <param name="Estimates">Per search: what it believed of every genotype when it ended.</param>
/// <param name="Budget">How long the searches trained their shared weights and each genotype was trained; null when unknown.</param>
public sealed record StudyResult(string Folder, string? UnfinishedAt, IReadOnlyList<GenotypeResult> Rows, double SearchSeconds,
    IReadOnlyList<SearchEstimates>? Estimates = null, StudyBudgetSummary? Budget = null)
{
    /// <summary>Per search: how well its estimates ordered the genotypes by their trained mean accuracy.</summary>
    public IReadOnlyList<SearchRanking> Rankings => Estimates?.Select(e => e.RankAgainst(Rows.ToDictionary(r => r.Name, r => r.Mean))).ToList() ?? [];

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

    /// <summary>1 when <paramref name="searched"/> has the best mean among itself and the genotypes that were not searched.</summary>
    public int RankOf(GenotypeResult searched) => 1 + NotSearched.Count(r => r.Mean > searched.Mean);
    /// <summary>The "of N" of a rank: the genotypes that were not searched, and one searched genotype.</summary>
    public int RankedCount => NotSearched.Count + 1;
    /// <summary>The worst rank over the search seeds; null without a search.</summary>
    public int? WorstRank => Searched.Count == 0 ? null : Searched.Max(RankOf);

    public double? SearchedMean => Searched.Count == 0 ? null : Searched.Average(r => r.Mean);
    /// <summary>Over search seeds (sample standard deviation of their means / sqrt(seeds)) when there are several, else over training seeds.</summary>
    public double? SearchedStandardError => Searched.Count switch
    {
        0 => null,
        1 => double.IsNaN(Searched[0].StandardError) ? null : Searched[0].StandardError,
        var n => Math.Sqrt(Searched.Sum(r => (r.Mean - SearchedMean!.Value) * (r.Mean - SearchedMean.Value)) / (n - 1) / n),
    };
    public bool StandardErrorOverSearchSeeds => Searched.Count > 1;

    public double? RandomMedian => Random.Count == 0 ? null : Median(Random.Select(r => r.Mean));
    public double? Margin => SearchedMean is double s && RandomMedian is double m ? s - m : null;
    public double? MarginInStandardErrors => Margin is double d && SearchedStandardError is double se && se > 0 ? d / se : null;
    public bool BeatsRandom => MarginInStandardErrors > 2;
    public double TrainingSeconds => Rows.Sum(r => r.TrainingSeconds);
    public double RandomTrainingSeconds => Random.Sum(r => r.TrainingSeconds);

    public static StudyResult Unfinished(StudyFolder folder, string at) => new(folder.Path, at, [], 0);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}

/// <summary>
/// The budgets a study's verdict holds for. A search judges cells by shared weights trained for a short while, which
/// favours cells that learn fast; the evaluation budget is the one the verdict is about, so both are stated.
/// </summary>
/// <param name="SearchWeightImages">Images in the part of the training set that trains a search's shared weights.</param>
/// <param name="SearchImagesPerIteration">Batch size times the samples that train the weights.</param>
public sealed record StudyBudgetSummary(int SearchIterations, int SearchWarmupIterations, int SearchBatchSize, int SearchWeightImages,
    int SearchImagesPerIteration, int TrainingEpochs, int TrainingImages)
{
    /// <summary>Epochs of its part the shared weights were trained for, counting one pass of a batch per iteration (each pass trains several sampled architectures).</summary>
    public double SearchEpochs => (double)SearchIterations * SearchBatchSize / Math.Max(1, SearchWeightImages);

    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"budget: each search trained its shared weights for {SearchEpochs:0.0} epochs of its {SearchWeightImages:N0}-image part ({SearchIterations} iterations of batch {SearchBatchSize}, " +
        $"{SearchWarmupIterations} of them warm-up, {SearchImagesPerIteration / SearchBatchSize} sampled architectures trained per batch); each genotype was trained for {TrainingEpochs} epochs of {TrainingImages:N0} images.");
}

/// <summary>Reads a finished study's training folders into a <see cref="StudyResult"/>.</summary>
public static class StudyResults
{
    /// <param name="searchMetrics">The metrics.jsonl of each search the study ran or took (their step times add up to the search time).</param>
    /// <param name="estimates">The searches' own estimates of the genotypes (<see cref="SearchEstimates"/>), to rank against the trained accuracies.</param>
    public static StudyResult Collect(StudyFolder folder, IReadOnlyList<StudyGenotype> genotypes, int seeds, IReadOnlyList<string> searchMetrics,
        IReadOnlyList<SearchEstimates>? estimates = null, StudyBudgetSummary? budget = null)
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
            return new GenotypeResult(g.Name, g.Kind, g.Genotype.ToString(), accuracies, parameters, seconds);
        }).ToList();
        double searchMs = searchMetrics.Sum(m => SumOf(m, MetricsFile.StepMs) ?? 0);
        return new StudyResult(folder.Path, null, rows, searchMs / 1000, estimates, budget);
    }

    private static double? SumOf(string metricsPath, string key)
    {
        if (!File.Exists(metricsPath)) return null;
        var log = MetricsFile.Read(metricsPath);
        return log.Rows.Sum(r => r.TryGet(key, out double v) ? v : 0);
    }
}
