using Parsec.Search.Flags;
using Parsec.Search.Loop;
using Parsec.Search.Training;

namespace Parsec.Search.Study;

/// <summary>
/// The sizes a study runs at: one network size for the search and for every training, the search's length
/// and samples, and the one training budget every genotype gets. Defaults fit a 2-core CPU well inside an hour
/// (docs/search-quality.md). These are the `study` command's options, declared here only; <see cref="Search"/>
/// and <see cref="Training"/> turn them into the records study.json saves.
/// </summary>
internal sealed record StudyBudget
{
    [Flag("--channels <C>", "Initial channels C of the searched and the trained networks.", Min = 2, Max = 1024)] public int Channels { get; init; } = 8;
    [Flag("--layers <L>", "Cells of the searched and the trained networks.", Min = 1, Max = 100)] public int Layers { get; init; } = 5;
    [Flag("--search-iterations <N>", Min = 1, Max = 100000000)] public int SearchIterations { get; init; } = 300;
    /// <summary>
    /// The searches' warm-up; a longer one keeps the pools' early lead from steering pi (docs/search-quality.md). Null:
    /// each search's automatic one (<see cref="SearchOptions.AutomaticWarmupFraction"/>).
    /// </summary>
    [Flag("--search-warmup <FRACTION>", "Share of each search's iterations that train the weights alone, pi frozen (search --warmup; default: half, or more when pi's part is small).", Min = 0, Max = 1)]
    public double? SearchWarmup { get; init; }
    [Flag("--search-batch-size <N>", Min = 2, Max = 65536)] public int SearchBatchSize { get; init; } = 32;
    [Flag("-k|--samples <K>", "Architectures sampled per search iteration for pi.", Min = 1, Max = 4096)] public int Samples { get; init; } = 16;
    [Flag("--weight-samples <N>", "How many of them also train the weights.", Min = 1, Max = 4096)] public int WeightSamples { get; init; } = 4;
    [Flag("--weight-sampling <MODE>", "pi, uniform or mixed: which architectures train the search's shared weights after the warm-up (search --weight-sampling).")]
    public Estimator.WeightSampling WeightSampling { get; init; } = Estimator.WeightSampling.Pi;
    [Flag("--search-augment <MODE>", "none or dataset: whether the batches that train each search's shared weights get the dataset's crops and flips (search --augment).")]
    public SearchAugment SearchAugment { get; init; } = SearchAugment.None;
    [Flag("--pick <RULE>", "argmax or scored: how each PARSEC search picks its genotype (search --pick).")]
    public Loop.GenotypePick Pick { get; init; } = Loop.GenotypePick.Argmax;
    /// <summary>Null: each search's own default (<see cref="SearchOptions.DefaultCommitFor"/>).</summary>
    [Flag("--search-commit <RULE>", "decided or off: whether each PARSEC search fixes the choices it has decided while it learns the others (search --commit; default decided without --cost, off with it).")]
    public Loop.PriorCommit? SearchCommit { get; init; }
    [Flag("--candidates <M>", "Architectures scored with the shared weights at the end of a random-ws search, or of a PARSEC search with --pick scored.", Min = 1, Max = 1000000)]
    public int Candidates { get; init; } = 120;
    [Flag("--candidate-batches <B>", "Batches of pi's part each candidate is scored on.", Min = 1, Max = 1000000)]
    public int CandidateBatches { get; init; } = 20;
    /// <summary>Null: the study's default, independent searches with seeds 0, 1 and 2 (<see cref="StudyOptions.DefaultSearchSeeds"/>).</summary>
    [Flag("--search-seed <SEED>", "Run one search, with this seed, instead of the default three (--search-seeds 0,1,2).")]
    public ulong? SearchSeed { get; init; }
    /// <summary>
    /// A DARTS iteration runs the supernet (every candidate of every edge) forward and backward twice; on the 2-core CPU at
    /// the study's sizes it took 7.4 s against PARSEC's 2.5 s on average (1.6 s in the warm-up, 3.4 s after), so 100
    /// DARTS iterations cost what 300 PARSEC iterations do. The study reports the measured times side by side.
    /// </summary>
    [Flag("--darts-iterations <N>", "Iterations of a DARTS search in a study with --strategies darts (default: about the time of the PARSEC search).", Min = 1, Max = 100000000)]
    public int DartsIterations { get; init; } = 100;
    [Flag("--cost <MEASURE>", "params or flops: with --cost-target or --cost-weight, the PARSEC searches are cost-aware; a target also caps the random genotypes.")]
    public Cost.CostMeasure? Cost { get; init; }
    [Flag("--cost-target <T>", "The PARSEC searches keep pi's expected cost under T and bring their genotype under it; the random genotypes are drawn under T (rejection sampling).", Min = 0)]
    public double? CostTarget { get; init; }
    [Flag("--cost-weight <LAMBDA>", "A fixed cost trade-off for the PARSEC searches.", Min = 0, Max = 1e6)]
    public double? CostWeight { get; init; }
    [Flag("--epochs <N>", "Training epochs per genotype.", Min = 1, Max = 100000)] public int Epochs { get; init; } = 4;
    [Flag("--batch-size <N>", "Training batch size.", Min = 2, Max = 65536)] public int BatchSize { get; init; } = 64;
    [Flag("--lr <RATE>", "Training learning rate (cosine-annealed to 0).", Min = 0, Max = 1e30)] public double LearningRate { get; init; } = 0.025;

    /// <summary>The search: the estimator's defaults at this size; a checkpoint every 50 iterations, so a stopped study loses little.</summary>
    public SearchOptions Search() => new()
    {
        Channels = Channels, Layers = Layers, BatchSize = SearchBatchSize, Iterations = SearchIterations, WarmupFraction = SearchWarmup, Samples = Samples,
        WeightSamples = WeightSamples, WeightSampling = WeightSampling, Augment = SearchAugment, Pick = Pick, Commit = SearchCommit, Candidates = Candidates, CandidateBatches = CandidateBatches, Seed = SearchSeed ?? 0, CheckpointEvery = 50, Cost = Cost, CostTarget = CostTarget, CostWeight = CostWeight,
    };

    /// <summary>
    /// Every genotype's training: no auxiliary head and no drop path, which help only over long schedules, and one
    /// test at the end.
    /// </summary>
    public EvaluationOptions Training() => new()
    {
        Channels = Channels, Layers = Layers, BatchSize = BatchSize, Epochs = Epochs, LearningRate = LearningRate,
        Auxiliary = false, DropPath = 0, TestEvery = Epochs,
    };
}
