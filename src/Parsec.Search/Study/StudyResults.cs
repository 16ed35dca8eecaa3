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
/// What a study found. <see cref="Margin"/> is the searched genotype's mean test accuracy minus the median of
/// the random genotypes' means, and <see cref="MarginInStandardErrors"/> divides it by the searched mean's
/// standard error over seeds: the search beats random when that exceeds 2.
/// </summary>
public sealed record StudyResult(string Folder, string? UnfinishedAt, IReadOnlyList<GenotypeResult> Rows, double SearchSeconds)
{
    public bool Finished => UnfinishedAt is null;
    public GenotypeResult? Searched => Rows.FirstOrDefault(r => r.Kind == GenotypeKind.Searched);
    public IReadOnlyList<GenotypeResult> Random => Rows.Where(r => r.Kind == GenotypeKind.Random).ToList();

    /// <summary>1 for the best mean among all genotypes.</summary>
    public int? SearchedRank => Searched is { } s ? 1 + Rows.Count(r => r.Mean > s.Mean) : null;
    public double? RandomMedian => Random.Count == 0 ? null : Median(Random.Select(r => r.Mean));
    public double? Margin => Searched is { } s && RandomMedian is double m ? s.Mean - m : null;
    public double? MarginInStandardErrors => Margin is double d && Searched is { } s && s.StandardError > 0 ? d / s.StandardError : null;
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

/// <summary>Reads a finished study's training folders into a <see cref="StudyResult"/>.</summary>
public static class StudyResults
{
    public static StudyResult Collect(StudyFolder folder, IReadOnlyList<StudyGenotype> genotypes, int seeds, string searchMetrics)
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
        double searchMs = SumOf(searchMetrics, MetricsFile.StepMs) ?? 0;
        return new StudyResult(folder.Path, null, rows, searchMs / 1000);
    }

    private static double? SumOf(string metricsPath, string key)
    {
        if (!File.Exists(metricsPath)) return null;
        var log = MetricsFile.Read(metricsPath);
        return log.Rows.Sum(r => r.TryGet(key, out double v) ? v : 0);
    }
}
