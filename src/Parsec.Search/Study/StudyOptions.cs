using Parsec.Search.Data.Files;
using Parsec.Search.Flags;
using Parsec.Search.Loop;
using Parsec.Search.Training;

namespace Parsec.Search.Study;

/// <summary>
/// What a study compares and with which budget: the dataset, the search (run here with <see cref="Search"/>, or
/// taken from an existing run or pi.json in <see cref="SearchFrom"/>), how many uniformly random genotypes and
/// which named ones stand beside the searched one, and the one training budget every genotype gets, for
/// <see cref="Seeds"/> seeds each. Saved as study.json; a resumed study reads it back. Its [Flag] properties and
/// those of <see cref="StudyBudget"/> are the `study` command's options.
/// </summary>
internal sealed record StudyOptions
{
    /// <summary>The dataset: the search uses its training set (split in halves), every training the same training set, every test its test set.</summary>
    public required DatasetSpec Data { get; init; }
    public required SearchOptions Search { get; init; }
    /// <summary>A search run folder or pi.json to take pi from instead of searching.</summary>
    public string? SearchFrom { get; init; }
    /// <summary>
    /// Seeds of independent searches, each judged against the same random genotypes: one search is an anecdote.
    /// Null (studies written before there could be several): one search with <see cref="SearchOptions.Seed"/>.
    /// </summary>
    public IReadOnlyList<ulong>? SearchSeeds { get; init; }
    /// <summary>
    /// What a new study runs when no seed is named: three independent searches. On Fashion-MNIST one search seed once
    /// ranked first and the next seventh; a verdict over seeds says what a user's own search is likely to give.
    /// </summary>
    public static readonly IReadOnlyList<ulong> DefaultSearchSeeds = [0, 1, 2];

    /// <summary>
    /// The search strategies compared, each run once per search seed with the same budget. Null (studies written
    /// before there could be several): <see cref="SearchOptions.Strategy"/> of <see cref="Search"/> alone.
    /// </summary>
    public IReadOnlyList<SearchStrategy>? Strategies { get; init; }

    /// <summary>The iterations of a DARTS search (its iterations cost about three of PARSEC's); null in studies written before DARTS could run in one.</summary>
    public int? DartsIterations { get; init; }

    public IReadOnlyList<SearchStrategy> EffectiveStrategies => SearchFrom is not null ? [] : Strategies ?? [Search.Strategy];

    /// <summary>The searches this study runs (none when pi is taken from <see cref="SearchFrom"/>).</summary>
    public IReadOnlyList<ulong> EffectiveSearchSeeds => SearchFrom is not null ? [] : SearchSeeds ?? [Search.Seed];
    [Flag("--random <N>", "Uniformly random genotypes to compare with.", Min = 0, Max = 1000)] public int RandomGenotypes { get; init; } = 6;
    [Flag("--random-seed <SEED>")] public ulong RandomSeed { get; init; } = 1;
    /// <summary>Published genotypes (<see cref="PublishedGenotypes"/>) trained beside the others.</summary>
    public IReadOnlyList<string> Also { get; init; } = DefaultAlso;
    /// <summary>DARTS' own result, the genotype a search is usually compared with.</summary>
    public static readonly IReadOnlyList<string> DefaultAlso = ["DARTS_V2"];
    /// <summary>Training seeds per genotype: 0 .. Seeds - 1.</summary>
    [Flag("--seeds <S>", "Training seeds per genotype.", Min = 1, Max = 100)] public int Seeds { get; init; } = 3;
    public required EvaluationOptions Training { get; init; }

    public void Validate()
    {
        Flags.FlagRanges.Check(this);
        if (RandomGenotypes < 0) throw new BadInputException($"--random must be >= 0, got {RandomGenotypes}");
        if (Seeds < 1) throw new BadInputException($"--seeds must be >= 1, got {Seeds}");
        // The study prices every genotype (its table, the cap on random genotypes, the Pareto plot) by parameters or
        // multiply-adds, counted exactly; latency needs a table measured on the machine, which only `search` does yet.
        if (Search.Cost == Cost.CostMeasure.Latency)
            throw new BadInputException("--cost latency: a study prices genotypes by params or flops; search with `parsec search --cost latency` instead");
        foreach (string name in Also)
            if (!PublishedGenotypes.ByName.ContainsKey(name))
                throw new BadInputException($"--also: unknown genotype '{name}'; expected one of: {string.Join(", ", PublishedGenotypes.ByName.Keys)}");
        if (SearchFrom is null) Search.Validate();
        if (Strategies is { } strategies && (strategies.Count == 0 || strategies.Distinct().Count() != strategies.Count))
            throw new BadInputException($"--strategies must list one or more different strategies, got '{string.Join(",", strategies.Select(SearchStrategyConverter.Name))}'");
        if (DartsIterations is < 1) throw new BadInputException($"--darts-iterations must be >= 1, got {DartsIterations}");
        if (Strategies is not null && SearchFrom is not null)
            throw new BadInputException("--strategies and --search exclude each other: the study either runs its searches or takes pi from one");
        if (SearchSeeds is not null && SearchFrom is not null)
            throw new BadInputException("--search-seeds and --search exclude each other: the study either runs its searches or takes pi from one");
        if (SearchSeeds is { } seeds && (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count))
            throw new BadInputException($"--search-seeds must list one or more different seeds, got '{string.Join(",", seeds)}'");
        Training.Validate();
    }
}
