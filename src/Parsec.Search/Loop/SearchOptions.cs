using Parsec.Search.Data.Files;
using Parsec.Search.Estimator;
using Parsec.Search.Flags;
using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>How a search turns its shared weights into one genotype.</summary>
[System.ComponentModel.TypeConverter(typeof(SearchStrategyConverter))]
public enum SearchStrategy
{
    /// <summary>PARSEC: learn pi by importance-weighted likelihoods and take its most likely architecture.</summary>
    Parsec,
    /// <summary>
    /// Random search with weight sharing (Li and Talwalkar, 2019): the whole budget trains the shared weights on uniformly
    /// sampled architectures (PARSEC's warm-up, all the way), then uniformly sampled candidates are scored on pi's part with
    /// the shared weights and the best is kept.
    /// </summary>
    RandomWs,
    /// <summary>
    /// DARTS, first order (Liu et al., 2019): the supernet of every candidate on every edge, mixed by a softmax over
    /// logits alpha; alpha steps with Adam on pi's part, the weights with SGD on the weights' part, alternately; the
    /// genotype keeps per node the two strongest edges and their strongest candidates other than `none`.
    /// </summary>
    Darts,
}

/// <summary>Reads "random-ws" (and "random_ws", "randomws") on the command line.</summary>
internal sealed class SearchStrategyConverter : System.ComponentModel.EnumConverter
{
    public SearchStrategyConverter() : base(typeof(SearchStrategy)) { }

    public override object? ConvertFrom(System.ComponentModel.ITypeDescriptorContext? context, System.Globalization.CultureInfo? culture, object value) =>
        value is string text && Enum.TryParse<SearchStrategy>(text.Replace("-", "").Replace("_", ""), ignoreCase: true, out var strategy) && Enum.IsDefined(strategy)
            ? strategy
            : throw new BadInputException($"--strategy: '{value}' is not a strategy; expected parsec, random-ws or darts");

    public static string Name(SearchStrategy strategy) => strategy switch
    {
        SearchStrategy.RandomWs => "random-ws",
        SearchStrategy.Darts => "darts",
        _ => "parsec",
    };
}

/// <summary>How the search feeds pixels to its networks.</summary>
public enum SearchPixels
{
    Raw,
    Normalized,
}

/// <summary>
/// Everything a search run depends on. Defaults are the paper's search setting on CIFAR-10 (C = 16, 8 cells,
/// batch 64, 50 epochs, K = 16) and DARTS' optimiser settings; the resolved record is saved as options.json
/// and a resumed run reads it back, so two runs with equal options are the same computation. Validation
/// messages name each option by its command-line flag. The [Flag] properties are the `search` command's
/// options (Flags/FlagAttribute.cs): their flag, description and default are declared here only.
/// </summary>
public sealed record SearchOptions
{
    // ---- data -------------------------------------------------------------------------------------
    /// <summary>
    /// The dataset (<see cref="DatasetSplitsLoader"/>): the search uses its training set, split for the weights and
    /// for pi, and never reads its test set.
    /// </summary>
    public DatasetSpec Dataset { get; init; } = new(DatasetSplitsLoader.DefaultDataset);
    /// <summary>DARTS' split.</summary>
    [Flag("--train-fraction <F>", "Share of the training set that fits the weights; the rest fits pi.", Max = 1)] public double TrainFraction { get; init; } = 0.5;
    /// <summary>
    /// How the training set is cut into the weights' part and pi's part: stratified by class from a seeded draw, so
    /// both parts hold every class whatever the stored order (an image folder is stored class by class).
    /// options.json written before this rule read as <see cref="SubsetRule.First"/> (stored order), which they ran with.
    /// </summary>
    public SubsetRule Split { get; init; } = SubsetRule.Stratified;
    /// <summary>
    /// The pixels the search's networks see: raw (0 to 1, as stored) by default, or standardised by the training
    /// set's per-channel mean and std as `train` standardises them. Raw is the default by measurement: on
    /// Fashion-MNIST (study defaults, search seeds 0, 1, 2, everything else equal) the searched cells trained to
    /// 81.87, 80.90 and 80.68 % from raw pixels and 80.86, 79.28 and 78.55 % from standardised ones
    /// (docs/search-quality.md). options.json written before this option existed read as raw, which they ran with.
    /// </summary>
    [Flag("--pixels <MODE>", "raw (values from 0 to 1, as stored; the default, measured better on Fashion-MNIST) or normalized (per-channel mean and std of the training set, as `train` does).")]
    public SearchPixels Pixels { get; init; } = SearchPixels.Raw;
    /// <summary>
    /// With little data the shared weights see each image many times (1,000 images for the weights over a 300-iteration
    /// search are 9.6 epochs of them) while every genotype is later trained on augmented images; augmenting the weights'
    /// batches the same way keeps the shared weights from fitting the images instead of the task.
    /// options.json written before this option existed read as none, which they ran with.
    /// </summary>
    [Flag("--augment <MODE>", "none (the default) or dataset: the batches that train the shared weights get the crops and flips `train` gives this dataset (no cutout); pi's batches stay as stored.")]
    public SearchAugment Augment { get; init; } = SearchAugment.None;
    /// <summary>Kept apart from <see cref="Seed"/> so that searches with different seeds can share one split.</summary>
    [Flag("--split-seed <SEED>", "Seed of the stratified split of the training set into the weights' part and pi's part.")]
    public ulong SplitSeed { get; init; }

    // ---- strategy ---------------------------------------------------------------------------------
    [Flag("--strategy <NAME>", "parsec (learn pi and take its most likely architecture), random-ws (random search with weight sharing: train the shared weights on uniform samples for the whole budget, then keep the best of --candidates uniform samples by shared-weight validation accuracy) or darts (first-order DARTS on the supernet of every candidate, alpha by Adam with --prior-lr, default 3e-4).")]
    public SearchStrategy Strategy { get; init; } = SearchStrategy.Parsec;
    /// <summary>
    /// With the study's defaults (300 iterations of batch 32, 16 samples scored for pi after a half warm-up) PARSEC runs
    /// 76,800 images through forward-only passes; 120 candidates of 20 batches of 32 is the same.
    /// </summary>
    [Flag("--candidates <M>", "random-ws, and parsec with --pick scored: architectures scored with the shared weights at the end (random-ws draws them uniformly, parsec from pi).", Min = 1, Max = 1000000)]
    public int Candidates { get; init; } = 120;
    [Flag("--candidate-batches <B>", "random-ws, and parsec with --pick scored: batches of pi's part each candidate is scored on.", Min = 1, Max = 1000000)]
    public int CandidateBatches { get; init; } = 20;
    [Flag("--pick <RULE>", "parsec: argmax (report pi's most likely genotype) or scored (score pi's most likely genotype and --candidates - 1 more drawn from pi with the shared weights on pi's part; keep the highest validation log-likelihood).")]
    public GenotypePick Pick { get; init; } = GenotypePick.Argmax;

    // ---- cost (PARSEC) ------------------------------------------------------------------------------
    /// <summary>
    /// What <see cref="CostTarget"/> or <see cref="CostWeight"/> applies to, counted exactly for the evaluation network at
    /// the search's C, cells and image size (<see cref="Cost.TermCostTable"/>). Null: no cost term.
    /// </summary>
    [Flag("--cost <MEASURE>", "params, flops (multiply-adds per image) or latency (forward milliseconds at batch 128 on this backend, from a latency table measured at the start and kept in latency.json): the cost --cost-target or --cost-weight applies to, for the evaluation network at this search's sizes.")]
    public Cost.CostMeasure? Cost { get; init; }
    [Flag("--cost-target <T>", "Keep pi's expected cost at most T (a constraint whose multiplier adapts during the search); the derived genotype is pi's most likely one costing 90-100 % of T.", Min = 0)]
    public double? CostTarget { get; init; }
    [Flag("--cost-weight <LAMBDA>", "A fixed trade-off: pi's objective loses LAMBDA times its expected cost over the uniform prior's.", Min = 0, Max = 1e6)]
    public double? CostWeight { get; init; }

    // ---- space --------------------------------------------------------------------------------------
    /// <summary>
    /// The operations and nodes per cell pi is learnt over; set from --ops, --nodes or --space (Cli/SpaceSettings).
    /// options.json written before spaces were chosen have no "space" and read as DARTS', which they searched.
    /// </summary>
    public Space.SearchSpace Space { get; init; } = Parsec.Search.Space.SearchSpace.Darts;

    // ---- network ----------------------------------------------------------------------------------
    [Flag("--channels <C>", "Initial channels C.", Min = 2, Max = 1024)] public int Channels { get; init; } = 16;
    [Flag("--layers <L>", "Cells (reductions at L/3 and 2L/3).", Min = 1, Max = 100)] public int Layers { get; init; } = 8;

    // ---- schedule ---------------------------------------------------------------------------------
    [Flag("--batch-size <N>", Min = 2, Max = 65536)] public int BatchSize { get; init; } = 64;
    /// <summary>The learning rate is cosine-annealed over these epochs.</summary>
    [Flag("--epochs <N>", "Epochs over the weight half.", Min = 1, Max = 100000)] public int Epochs { get; init; } = 50;
    /// <summary>Null: Epochs full epochs. Given, the cosine period covers the epochs these iterations span.</summary>
    [Flag("--iterations <N>", "Stop after N iterations in all (overrides --epochs).", Min = 1, Max = 100000000)] public int? Iterations { get; init; }

    // ---- estimator --------------------------------------------------------------------------------
    /// <summary>K, processed by the <see cref="Concurrency"/> workers; the pi gradient uses all of them.</summary>
    [Flag("-k|--samples <K>", "Architectures sampled per iteration.", Min = 1, Max = 4096)] public int Samples { get; init; } = 16;
    /// <summary>
    /// The first ones of the K (all are independent draws). Null: all K, as in the paper. A forward pass costs
    /// about a third of a forward and backward pass, so a search can afford many more samples for pi, whose
    /// gradient is the noisy one, than for the weights.
    /// </summary>
    [Flag("--weight-samples <N>", "How many of the K samples also train the weights (default: all K). Forward passes for pi are cheaper than training passes.", Min = 1, Max = 4096)]
    public int? WeightSamples { get; init; }
    /// <summary>A temperature; 1 is the paper's formula. Null: 1 / batch size (docs/search-quality.md).</summary>
    [Flag("--likelihood-scale <T>", "Multiplies the batch log-likelihood sums before the importance weights; 1 is the paper's batch sum. Default: 1 / batch size (the per-example mean).", Min = 0, Max = 1e6)]
    public double? LikelihoodScale { get; init; }
    [Flag("--term-inputs <MODE>", "independent (each term picks its input) or distinctpernode (the two terms of a node read different inputs, as in DARTS).")]
    public TermInputs TermInputs { get; init; } = TermInputs.DistinctPerNode;
    /// <summary>How the K samples weight the weight gradient after the warm-up.</summary>
    /// <summary>
    /// Over MPI ranks: each rank sums its own samples' weighted gradients and one MPI_Allreduce adds the ranks' sums,
    /// instead of every rank receiving every sample's gradients and adding them in sample order. Less to send and to
    /// add on each rank; the weights then differ from one process's in the last bits. No effect in one process.
    /// </summary>
    [Flag("--all-reduce", "Over MPI ranks: sum each rank's sample gradients and add the ranks' sums with MPI_Allreduce (faster; not the bits of one process). Default: gather every sample's gradients and add them in sample order, the same bits for any number of ranks.")]
    public bool AllReduce { get; init; }
    [Flag("--weight-gradient <MODE>", "equal (every sampled op is trained) or importance (the paper's importance-weighted sum).")]
    public WeightGradient WeightGradient { get; init; } = WeightGradient.Equal;
    [Flag("--weight-sampling <MODE>", "pi (the weights are trained on the first --weight-samples of pi's K samples), uniform (on as many uniform samples, as in the warm-up, for the whole search; pi's K samples only score the pi part) or mixed (every other one uniform, the rest pi's).")]
    public WeightSampling WeightSampling { get; init; } = WeightSampling.Pi;
    [Flag("--prior-baseline <MODE>", "mean (subtract 1/K from the importance weights of the pi gradient) or none (the paper's estimator).")]
    public PriorBaseline PriorBaseline { get; init; } = PriorBaseline.Mean;
    /// <summary>
    /// Equal weights and pi frozen while the weights warm up, as ProxylessNAS and FBNet do. Null: <see cref="AutomaticWarmupFraction"/>,
    /// resolved from the size of pi's part (<see cref="Resolved"/>); options.json records the fraction that ran, and files
    /// written before the automatic rule hold the 0.5 they ran with.
    /// </summary>
    [Flag("--warmup <FRACTION>", "Share of the iterations that train the weights alone on uniformly sampled architectures, pi frozen. Default: half, or more when pi's part is small, so that pi's updates pass over its part at most 3 times.", Min = 0, Max = 1)]
    public double? WarmupFraction { get; init; }
    /// <summary>Half the iterations: the warm-up a search takes unless pi's part is small (<see cref="AutomaticWarmupFraction"/>).</summary>
    public const double DefaultWarmupFraction = 0.5;
    /// <summary>The most passes pi's updates make over pi's part when the warm-up is automatic.</summary>
    public const int MaxPriorPasses = 3;

    /// <summary>
    /// The warm-up a search takes unless told: half its iterations, as long as pi's updates then pass over pi's part at
    /// most <see cref="MaxPriorPasses"/> times; on a smaller part the warm-up takes the iterations pi would spend beyond
    /// that. pi is fitted to the same images on every pass, so on a small part a long pi phase fits their noise: on
    /// Fashion-MNIST's class-sorted image folder (1,000 images in pi's part, 4.8 passes in the 150 updates of a half
    /// warm-up) this rule's 207 + 93 iterations raised the searched cells by 0.59 points over six search seeds (2.3
    /// standard errors, paired), while on Fashion-MNIST (2,000 images, 2.4 passes) a longer warm-up lowered them and the
    /// rule leaves the warm-up at half (docs/search-quality.md, "An automatic warm-up").
    /// The fraction returned floors to the warm-up's iterations exactly.
    /// </summary>
    public static double AutomaticWarmupFraction(int iterations, int priorImages, int batchSize)
    {
        int halfWarmup = (int)Math.Floor(DefaultWarmupFraction * iterations);
        int passBatches = Math.Max(1, priorImages / batchSize); // full batches, as the search's batch sampler cuts them
        int priorUpdates = Math.Max(1, Math.Min(iterations - halfWarmup, MaxPriorPasses * passBatches));
        int warmup = iterations - priorUpdates;
        return warmup == halfWarmup ? DefaultWarmupFraction : (warmup + 0.5) / iterations;
    }

    // ---- weights (SGD, DARTS) ---------------------------------------------------------------------
    [Flag("--lr <RATE>", "SGD learning rate of the weights, cosine-annealed per epoch.", Min = 0, Max = 1e30)] public double WeightLearningRate { get; init; } = 0.025;
    [Flag("--lr-min <RATE>", Min = 0, Max = 1e30)] public double WeightLearningRateMin { get; init; } = 0.001;
    [Flag("--momentum <M>", Min = 0, Max = 1)] public double WeightMomentum { get; init; } = 0.9;
    [Flag("--weight-decay <WD>", Min = 0, Max = 1)] public double WeightDecay { get; init; } = 3e-4;
    [Flag("--grad-clip <NORM>", Min = 0, Max = 1e30)] public double GradientClip { get; init; } = 5.0;

    // ---- prior (Adam, DARTS' architecture optimiser) ----------------------------------------------
    /// <summary>
    /// Null: <see cref="AutoPriorTravel"/> / (iterations after the warm-up), at most <see cref="AutoPriorLearningRateCap"/>,
    /// so that pi can move as far in a short search as in a long one; at the paper's 50 CIFAR-10 epochs (19,500
    /// iterations, no warm-up) that is DARTS' 3e-4.
    /// </summary>
    [Flag("--prior-lr <RATE>", "Adam learning rate of pi's logits. Default: 6 / (iterations after the warm-up), which is DARTS' 3e-4 at the paper's 50 epochs.", Min = 0, Max = 1e6)]
    public double? PriorLearningRate { get; init; }
    [Flag("--prior-beta1 <B>", Min = 0, Max = 1)] public double PriorBeta1 { get; init; } = 0.5;
    [Flag("--prior-beta2 <B>", Min = 0, Max = 1)] public double PriorBeta2 { get; init; } = 0.999;
    [Flag("--prior-weight-decay <WD>", Min = 0, Max = 1)] public double PriorWeightDecay { get; init; } = 1e-3;
    /// <summary>A pi.json to start from instead of the uniform prior (transfer); set from --prior-from as a full path.</summary>
    public string? PriorFrom { get; init; }
    /// <summary>Null: <see cref="DefaultCommitFor"/>: decided for PARSEC without a cost term, off with one and for the strategies that learn no pi.</summary>
    [Flag("--commit <RULE>", "decided (default for parsec without --cost: every --commit-every pi updates, fix each choice whose margin is above the noise floor of the updates so far, the 99th percentile of decision_noise.json's replays, so that later samples vary only in the open choices) or off (pi keeps every choice open, as in the paper).")]
    public PriorCommit? Commit { get; init; }
    /// <summary>
    /// Decided: over six search seeds on Fashion-MNIST it put every seed's cell in the top 2 of 7 against 4 of 6 without,
    /// at the same compute (and two more seeds run with it rank 2 and 1 of 8); on the class-sorted image folder it
    /// changed the mean by less than the noise (docs/search-quality.md).
    /// </summary>
    public const PriorCommit DefaultCommit = PriorCommit.Decided;
    /// <summary>
    /// What a search commits when --commit is not given: <see cref="DefaultCommit"/> for PARSEC without a cost term. With
    /// one, off: while the multiplier drives pi down to its budget the convolutions lose their mass, the pools left
    /// separate by chance and were committed, and pi's expected cost then stayed under the target (17,500-26,200
    /// parameters at 30,000 on Fashion-MNIST); the three searches' cells ranked 4, 7 and 5 of 7 against 1, 4 and 6
    /// without commits (docs/search-quality.md).
    /// </summary>
    public static PriorCommit DefaultCommitFor(SearchStrategy strategy, Cost.CostMeasure? cost) =>
        strategy == SearchStrategy.Parsec && cost is null ? DefaultCommit : PriorCommit.Off;
    [Flag("--commit-every <N>", "pi updates between two looks for decided choices (--commit decided).", Min = 1, Max = 100000000)]
    public int CommitEvery { get; init; } = 10;
    /// <summary>
    /// The null quantile a margin must pass to be committed: stricter than the 95 % that marks a choice decided at the end,
    /// because a search with --commit looks many times and a commit cannot be undone.
    /// </summary>
    public const double CommitQuantile = 0.99;

    // ---- run --------------------------------------------------------------------------------------
    [Flag("--seed <SEED>")] public ulong Seed { get; init; }
    /// <summary>
    /// Each worker has its own tape (threads on the CPU backend). The search's result does not depend on it (bit
    /// for bit on the CPU), only its speed and memory do. Null: automatic (<see cref="SampleConcurrency.Automatic"/>).
    /// The search records the number it chose.
    /// </summary>
    [Flag("--concurrency <N>", "Samples processed at once, each by a worker of its own (default: automatic, one per core on the CPU, 1 on CUDA). The result is the same for every value; with --resume it may change.", Min = 1, Max = 1024)]
    public int? Concurrency { get; init; }
    /// <summary>And at the end.</summary>
    [Flag("--checkpoint-every <N>", "Iterations between checkpoints.", Min = 1, Max = 100000000)] public int CheckpointEvery { get; init; } = 100;
    [Flag("--log-every <N>", "Iterations between metrics and pi_history lines.", Min = 1, Max = 100000000)] public int LogEvery { get; init; } = 1;

    /// <summary>
    /// The estimator exactly as the paper states it: batch-sum likelihoods, importance-weighted weight gradients,
    /// no baseline, no warm-up, independent term inputs, DARTS' prior learning rate. docs/search-quality.md
    /// measures it against the defaults.
    /// </summary>
    public static SearchOptions Paper => new()
    {
        LikelihoodScale = 1, WeightGradient = WeightGradient.Importance, PriorBaseline = PriorBaseline.None,
        WarmupFraction = 0, TermInputs = TermInputs.Independent, PriorLearningRate = 3e-4, Commit = PriorCommit.Off,
    };

    /// <summary>The summed Adam steps a logit may take over the search when --prior-lr is automatic (nats).</summary>
    public const double AutoPriorTravel = 6.0;
    /// <summary>The largest automatic step: in very short searches larger steps would make pi follow single noisy estimates.</summary>
    public const double AutoPriorLearningRateCap = 0.1;

    /// <summary>Iterations before pi starts to move (of resolved options: an automatic warm-up depends on pi's part).</summary>
    public int WarmupIterations(int totalIterations) => Strategy switch
    {
        SearchStrategy.RandomWs => totalIterations,
        SearchStrategy.Darts => 0, // DARTS trains alpha and the weights together from the start
        _ => (int)Math.Floor((WarmupFraction ?? throw new InvalidOperationException("resolve the options first: the automatic warm-up depends on pi's part")) * totalIterations),
    };

    /// <summary>DARTS' architecture learning rate, its default for alpha.</summary>
    public const double DartsAlphaLearningRate = 3e-4;

    /// <summary>
    /// These options with every automatic value replaced by what is in force for a search of
    /// <paramref name="iterationsPerEpoch"/> iterations per epoch on images of <paramref name="imageSide"/> pixels, with
    /// <paramref name="priorImages"/> images in pi's part: the iterations and the epochs they span, the warm-up, the
    /// likelihood scale, the prior's learning rate and the image size. options.json records this, so that it says what
    /// ran and a resumed run repeats it. (The concurrency depends on the backend; the search session resolves it.)
    /// </summary>
    public SearchOptions Resolved(int iterationsPerEpoch, int imageSide, int priorImages)
    {
        int iterations = Iterations ?? Epochs * iterationsPerEpoch;
        var warm = this with { WarmupFraction = WarmupFraction ?? AutomaticWarmupFraction(iterations, priorImages, BatchSize) };
        int priorIterations = Math.Max(1, iterations - warm.WarmupIterations(iterations));
        return warm with
        {
            Iterations = iterations,
            Epochs = (iterations + iterationsPerEpoch - 1) / iterationsPerEpoch,
            Dataset = Dataset with { ImageSize = imageSide },
            LikelihoodScale = LikelihoodScale ?? 1.0 / BatchSize,
            PriorLearningRate = PriorLearningRate ?? (Strategy == SearchStrategy.Darts ? DartsAlphaLearningRate : Math.Min(AutoPriorLearningRateCap, AutoPriorTravel / priorIterations)),
            Commit = Commit ?? DefaultCommitFor(Strategy, Cost),
        };
    }

    /// <summary>
    /// Images these (resolved) options send through forward-and-backward passes of one sampled architecture (each sample
    /// that trains the weights counts its batch), through forward-only passes (PARSEC's K samples scored for pi after the
    /// warm-up, and the candidates of random search or of a scored pick), and through forward-and-backward passes of DARTS' supernet.
    /// </summary>
    public (long Training, long Forward, long Supernet) ImagesThroughPasses()
    {
        int iterations = Iterations ?? throw new InvalidOperationException("resolve the options first: the iterations are not known");
        // DARTS: per iteration one forward and backward pass of the supernet on each part.
        if (Strategy == SearchStrategy.Darts) return (0, 0, 2L * iterations * BatchSize);
        long training = (long)iterations * (WeightSamples ?? Samples) * BatchSize;
        long scoring = (long)Candidates * CandidateBatches * BatchSize; // at most: pi's pool and pi's part may hold fewer
        long forward = Strategy == SearchStrategy.RandomWs
            ? scoring
            : (long)(iterations - WarmupIterations(iterations)) * Samples * BatchSize + (Pick == GenotypePick.Scored ? scoring : 0);
        return (training, forward, 0);
    }

    /// <summary>
    /// Whether the run's genotype.json is pi's most likely genotype, which `derive` and a study recompute from pi.json
    /// with today's derivation. Otherwise (another strategy, a cost budget, a scored pick) genotype.json is the result.
    /// </summary>
    public bool GenotypeIsPisArgmax() => Strategy == SearchStrategy.Parsec && Cost is null && Pick == GenotypePick.Argmax;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the option (by its command-line flag) and what it expects.</summary>
    public void Validate()
    {
        // Every flag's declared range, and finiteness (Infinity and 1e400 parse as numbers), before the checks that relate flags.
        Flags.FlagRanges.Check(this);
        Require(TrainFraction is > 0 and < 1, $"--train-fraction must be in (0, 1), got {TrainFraction}");
        Require(Dataset.ImageSize >= 1, $"--image-size must be >= 1, got {Dataset.ImageSize}");
        Require(Dataset.TrainCount is null or >= 2, $"--train-count must be >= 2, got {Dataset.TrainCount}");
        Require(Channels >= 2 && Channels % 2 == 0, $"--channels must be even and >= 2, got {Channels}");
        Require(Layers >= 1, $"--layers must be >= 1, got {Layers}");
        Require(BatchSize >= 2, $"--batch-size must be >= 2 (batch norm needs two examples), got {BatchSize}");
        Require(Epochs >= 1, $"--epochs must be >= 1, got {Epochs}");
        Require(Iterations is null or >= 1, $"--iterations must be >= 1, got {Iterations}");
        Require(Samples >= 1, $"--samples must be >= 1, got {Samples}");
        Require(WeightSamples is null || (WeightSamples >= 1 && WeightSamples <= Samples), $"--weight-samples must be between 1 and --samples ({Samples}), got {WeightSamples}");
        Require(LikelihoodScale is null || (LikelihoodScale > 0 && double.IsFinite(LikelihoodScale.Value)), $"--likelihood-scale must be positive, got {LikelihoodScale}");
        Require(WarmupFraction is null or (>= 0 and < 1), $"--warmup must be in [0, 1), got {WarmupFraction}");
        Require(WeightLearningRate > 0, $"--lr must be positive, got {WeightLearningRate}");
        Require(WeightLearningRateMin >= 0 && WeightLearningRateMin <= WeightLearningRate, $"--lr-min must be between 0 and --lr ({WeightLearningRate}), got {WeightLearningRateMin}");
        Require(WeightMomentum >= 0, $"--momentum must be >= 0, got {WeightMomentum}");
        Require(WeightDecay >= 0, $"--weight-decay must be >= 0, got {WeightDecay}");
        Require(GradientClip > 0, $"--grad-clip must be positive, got {GradientClip}");
        Require(PriorLearningRate is null || (PriorLearningRate >= 0 && double.IsFinite(PriorLearningRate.Value)), $"--prior-lr must be >= 0, got {PriorLearningRate}");
        Require(PriorBeta1 is >= 0 and < 1 && PriorBeta2 is >= 0 and < 1, $"--prior-beta1 and --prior-beta2 must be in [0, 1), got {PriorBeta1} and {PriorBeta2}");
        Require(PriorWeightDecay >= 0, $"--prior-weight-decay must be >= 0, got {PriorWeightDecay}");
        Require(Enum.IsDefined(Strategy), $"--strategy must be parsec, random-ws or darts, got {Strategy}");
        Require(Cost is null || Enum.IsDefined(Cost.Value), $"--cost must be params, flops or latency, got {Cost}");
        Require((Cost is null) == (CostTarget is null && CostWeight is null), "--cost needs one of --cost-target or --cost-weight, and they need --cost");
        Require(CostTarget is null || CostWeight is null, "give --cost-target (a constraint) or --cost-weight (a trade-off), not both");
        Require(CostTarget is null || (CostTarget > 0 && double.IsFinite(CostTarget.Value)), $"--cost-target must be a positive number, got {CostTarget}");
        Require(CostWeight is null || (CostWeight >= 0 && double.IsFinite(CostWeight.Value)), $"--cost-weight must be >= 0, got {CostWeight}");
        Require(Cost is null || Strategy == SearchStrategy.Parsec, "--cost works with the parsec strategy, which learns pi");
        Require(Candidates >= 1, $"--candidates must be >= 1, got {Candidates}");
        Require(Enum.IsDefined(Pick), $"--pick must be argmax or scored, got {Pick}");
        Require(Pick == GenotypePick.Argmax || (Strategy == SearchStrategy.Parsec && Cost is null), "--pick scored works with the parsec strategy without a cost term");
        Require(CandidateBatches >= 1, $"--candidate-batches must be >= 1, got {CandidateBatches}");
        Require(Commit is null || Enum.IsDefined(Commit.Value), $"--commit must be off or decided, got {Commit}");
        Require(Commit is null or PriorCommit.Off || Strategy == SearchStrategy.Parsec, "--commit decided works with the parsec strategy, which learns pi");
        Require(Enum.IsDefined(Augment), $"--augment must be none or dataset, got {Augment}");
        Require(Concurrency is null or >= 1, $"--concurrency must be >= 1, got {Concurrency}");
        Require(CheckpointEvery >= 1, $"--checkpoint-every must be >= 1, got {CheckpointEvery}");
        Require(LogEvery >= 1, $"--log-every must be >= 1, got {LogEvery}");

        static void Require(bool condition, string message)
        {
            if (!condition) throw new BadInputException(message);
        }
    }
}
