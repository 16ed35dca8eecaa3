using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Autodiff;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Space;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Study;

/// <summary>What one search believed of one genotype when it ended.</summary>
/// <param name="ValidationAccuracy">With the shared weights, on pi's part of the data (null when the search's weights were not at hand).</param>
/// <param name="ValidationLogLikelihood">Mean log-likelihood per image, same images.</param>
/// <param name="LogProbability">log p(genotype | pi); null when pi gives it no mass (its two inputs of a node coincide under distinct inputs).</param>
internal sealed record GenotypeEstimate(string Name, double? ValidationAccuracy, double? ValidationLogLikelihood, double? LogProbability);

/// <summary>How well one search's estimates ordered the genotypes that training then measured (Kendall's tau-b against the trained means).</summary>
internal sealed record SearchRanking(string Search, int Genotypes, RankCorrelation? ByAccuracy, RankCorrelation? ByLogLikelihood, RankCorrelation? ByPi);

/// <summary>
/// One search's estimates of every genotype of a study, taken at the end of the search: the search's own view of which
/// cells are good. Set beside the trained accuracies, Kendall's tau says whether the shared weights (and pi) can rank
/// cells at this budget at all: near zero, no estimator can pick a good cell from them, and the fault is in the shared
/// training; clearly positive, they can, and a poor pick comes from how pi uses them.
/// </summary>
internal sealed record SearchEstimates(string Search, int Images, IReadOnlyList<GenotypeEstimate> Genotypes)
{
    /// <summary>Full batches of pi's part scored per genotype, at most (the search's batch size each): 1,024 images at the study's batch of 32, enough that one genotype's estimate is not one batch's luck (a standard error of about 1.5 points) at a cost of about a tenth of the search.</summary>
    public const int DefaultBatches = 32;

    /// <summary>
    /// Scores every genotype with the shared weights of the finished search in <paramref name="run"/> and reads its pi.
    /// Without the search's checkpoint (pi taken from a bare pi.json) only pi's probabilities are given. A genotype of
    /// another space than the search's (a published DARTS cell beside a search of a user-defined space) gets no estimate.
    /// </summary>
    public static SearchEstimates Measure(string label, string runOrPi, IReadOnlyList<StudyGenotype> genotypes, IBackend backend, int batches = DefaultBatches)
    {
        string piPath = Directory.Exists(runOrPi) ? new RunFolder(runOrPi).Pi : runOrPi;
        // DARTS keeps no pi; random search's is the uniform prior (every genotype equally likely, so it ranks nothing).
        var prior = File.Exists(piPath) ? PriorJson.Load(piPath) : null;
        var run = Directory.Exists(runOrPi) ? new RunFolder(runOrPi) : null;
        if (run is null || !File.Exists(run.Checkpoint) || !File.Exists(run.Options))
            return new SearchEstimates(label, 0, genotypes.Select(g => new GenotypeEstimate(g.Name, null, null, LogProbability(prior, g))).ToList());

        var options = OptionsFile.Read(run.Options) with { Concurrency = 1 };
        using var session = new SearchSession(options, backend, SearchRunner.LoadDataset(options));
        session.Restore(run.Checkpoint);
        int images = 0;
        var estimates = genotypes.Select(g =>
        {
            if (!g.Genotype.Space.Equals(options.Space)) return new GenotypeEstimate(g.Name, null, null, null);
            var score = session.ScoreOnValidation(Architecture.FromGenotype(g.Genotype), batches);
            images = score.Images;
            return new GenotypeEstimate(g.Name, score.Accuracy, score.LogLikelihood, LogProbability(prior, g));
        }).ToList();
        return new SearchEstimates(label, images, estimates);
    }

    private static double? LogProbability(ArchitecturePrior? prior, StudyGenotype genotype)
    {
        if (prior is null || !genotype.Genotype.Space.Equals(prior.Space)) return null;
        double log = prior.LogProbability(Architecture.FromGenotype(genotype.Genotype));
        return double.IsFinite(log) ? log : null;
    }

    /// <summary>
    /// Kendall's tau of each estimate against <paramref name="trained"/> (mean test accuracy by genotype name), over the
    /// genotypes both know, or only those <paramref name="include"/> keeps (say, the ones no search produced: searched
    /// genotypes resemble each other and sit at the top of their own search's estimate, which can make tau look better
    /// than the shared weights' ranking of unrelated cells is).
    /// </summary>
    public SearchRanking RankAgainst(IReadOnlyDictionary<string, double> trained, Func<string, bool>? include = null)
    {
        var known = Genotypes.Where(g => trained.ContainsKey(g.Name) && (include?.Invoke(g.Name) ?? true)).ToList();
        RankCorrelation? By(Func<GenotypeEstimate, double?> estimate)
        {
            var pairs = known.Where(g => estimate(g) is not null).Select(g => (Estimate: estimate(g)!.Value, Trained: trained[g.Name])).ToList();
            return pairs.Count < 3 ? null : KendallTau.Compute(pairs.Select(p => p.Estimate).ToList(), pairs.Select(p => p.Trained).ToList());
        }
        return new SearchRanking(Search, known.Count, By(g => g.ValidationAccuracy), By(g => g.ValidationLogLikelihood), By(g => g.LogProbability));
    }

    public JsonObject ToJson() => new()
    {
        ["search"] = Search,
        ["images"] = Images,
        ["genotypes"] = new JsonArray(Genotypes.Select(g => (JsonNode)new JsonObject
        {
            ["name"] = g.Name,
            ["val_accuracy"] = g.ValidationAccuracy,
            ["val_log_likelihood"] = g.ValidationLogLikelihood,
            ["log_probability"] = g.LogProbability,
        }).ToArray()),
    };

    /// <summary>estimates.json of a study: one entry per search.</summary>
    public static void Save(string path, IReadOnlyList<SearchEstimates> all) =>
        RunFiles.AtomicFile.WriteAllText(path, new JsonArray(all.Select(e => (JsonNode)e.ToJson()).ToArray()).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static IReadOnlyList<SearchEstimates> Load(string path)
    {
        try
        {
            var entries = JsonNode.Parse(File.ReadAllText(path)) as JsonArray ?? throw new BadInputException($"{path}: expected a JSON list of searches");
            return entries.Select((entry, i) => new SearchEstimates(
                entry?["search"]?.GetValue<string>() ?? throw new BadInputException($"{path}: entry {i} has no 'search'"),
                entry["images"]?.GetValue<int>() ?? 0,
                (entry["genotypes"] as JsonArray ?? throw new BadInputException($"{path}: entry {i} has no 'genotypes' list")).Select(g => new GenotypeEstimate(
                    g?["name"]?.GetValue<string>() ?? throw new BadInputException($"{path}: entry {i} has a genotype without 'name'"),
                    g["val_accuracy"]?.GetValue<double>(), g["val_log_likelihood"]?.GetValue<double>(), g["log_probability"]?.GetValue<double>())).ToList())).ToList();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"{path}: not a valid estimates file ({e.Message})", e);
        }
    }
}
