namespace Parsec.Search.Study;

/// <summary>
/// The files of a study, all under one folder: study.json (the options), genotypes.json (every genotype
/// compared, with its name and kind), search/ (the search run, when the study ran one), or search-seed-S/ (one per
/// search seed, when it ran several), estimates.json (what each search believed of every genotype when it ended),
/// train/NAME/seed-S/ (one ordinary `parsec train` run folder per genotype and seed), and the results: results.md
/// (the table, the verdict and the rank correlations), results.json, results.png (one point per seed per genotype)
/// ranking.png (each search's estimate against the trained accuracy) and pareto.png (accuracy against cost).
/// </summary>
internal sealed class StudyFolder(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);
    public string Options => File("study.json");
    public string Genotypes => File("genotypes.json");
    public string Search => File("search");
    public string Estimates => File("estimates.json");
    public string RankingPlot => File("ranking.png");
    public string ParetoPlot => File("pareto.png");
    public string ResultsTable => File("results.md");
    public string ResultsJson => File("results.json");
    public string ResultsPlot => File("results.png");

    public string Training(string genotype, int seed) => System.IO.Path.Combine(Path, "train", genotype, $"seed-{seed}");

    public string File(string name) => System.IO.Path.Combine(Path, name);
}
