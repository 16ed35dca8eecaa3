using Parsec.Search.Estimator;
using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// Everything a search run depends on. Defaults are the paper's search setting on CIFAR-10 (C = 16, 8 cells,
/// batch 64, 50 epochs, K = 16) and DARTS' optimiser settings; the resolved record is saved as options.json
/// and a resumed run reads it back, so two runs with equal options are the same computation. Validation
/// messages name each option by its command-line flag.
/// </summary>
public sealed record SearchOptions
{
    // ---- data -------------------------------------------------------------------------------------
    /// <summary>A generated dataset of <see cref="Data.DatasetCatalog"/> or a file format read from <see cref="DataFolder"/> (see <see cref="Data.Files.DatasetSplitsLoader"/>); the search uses its training set.</summary>
    public string Dataset { get; init; } = Data.Generated.OrientedTextures.Name;
    /// <summary>Training images to generate, or to use at most from files; null for the dataset's default.</summary>
    public int? DataCount { get; init; }
    /// <summary>Side of generated images (and of image-folder images after resizing).</summary>
    public int ImageSize { get; init; } = 32;
    public ulong DataSeed { get; init; } = 1;
    /// <summary>Folder of file-backed datasets.</summary>
    public string? DataFolder { get; init; }
    /// <summary>CIFAR-100: learn its 20 superclasses instead of the 100 classes.</summary>
    public bool Cifar100Coarse { get; init; }
    /// <summary>DARTS' split: this fraction of the training set fits the weights, the rest fits pi.</summary>
    public double TrainFraction { get; init; } = 0.5;

    // ---- network ----------------------------------------------------------------------------------
    public int Channels { get; init; } = 16;
    public int Layers { get; init; } = 8;

    // ---- schedule ---------------------------------------------------------------------------------
    public int BatchSize { get; init; } = 64;
    /// <summary>Epochs over the weight half; the learning rate is cosine-annealed over them.</summary>
    public int Epochs { get; init; } = 50;
    /// <summary>Stop after this many iterations in all (null: Epochs full epochs). The cosine period then covers the epochs these iterations span.</summary>
    public int? Iterations { get; init; }

    // ---- estimator --------------------------------------------------------------------------------
    /// <summary>K: architectures sampled per iteration, processed by the <see cref="Concurrency"/> workers; the pi gradient uses all of them.</summary>
    public int Samples { get; init; } = 16;
    /// <summary>
    /// How many of the K samples (the first ones; all are independent draws) also train the weights. Null: all
    /// K, as in the paper. A forward pass costs about a third of a forward and backward pass, so a search can
    /// afford many more samples for pi, whose gradient is the noisy one, than for the weights.
    /// </summary>
    public int? WeightSamples { get; init; }
    /// <summary>
    /// Multiplies the batch log-likelihood sums before the importance weights (a temperature; 1 is the paper's
    /// formula). Null: 1 / batch size, i.e. the per-example mean log-likelihood (docs/search-quality.md).
    /// </summary>
    public double? LikelihoodScale { get; init; }
    public TermInputs TermInputs { get; init; } = TermInputs.DistinctPerNode;
    /// <summary>How the K samples weight the weight gradient after the warm-up.</summary>
    public WeightGradient WeightGradient { get; init; } = WeightGradient.Equal;
    /// <summary>What the prior gradient subtracts from the importance weights.</summary>
    public PriorBaseline PriorBaseline { get; init; } = PriorBaseline.Mean;
    /// <summary>
    /// Share of the iterations that train the weights alone, on uniformly sampled architectures with equal
    /// weights and pi frozen, before pi starts to move (as ProxylessNAS and FBNet do).
    /// </summary>
    public double WarmupFraction { get; init; } = 0.5;

    // ---- weights (SGD, DARTS) ---------------------------------------------------------------------
    public double WeightLearningRate { get; init; } = 0.025;
    public double WeightLearningRateMin { get; init; } = 0.001;
    public double WeightMomentum { get; init; } = 0.9;
    public double WeightDecay { get; init; } = 3e-4;
    public double GradientClip { get; init; } = 5.0;

    // ---- prior (Adam, DARTS' architecture optimiser) ----------------------------------------------
    /// <summary>
    /// Adam's step size for theta. Null: <see cref="AutoPriorTravel"/> / (iterations after the warm-up), at most
    /// <see cref="AutoPriorLearningRateCap"/>, so that
    /// pi can move as far in a short search as in a long one; at the paper's 50 CIFAR-10 epochs (19,500
    /// iterations, no warm-up) that is DARTS' 3e-4.
    /// </summary>
    public double? PriorLearningRate { get; init; }
    public double PriorBeta1 { get; init; } = 0.5;
    public double PriorBeta2 { get; init; } = 0.999;
    public double PriorWeightDecay { get; init; } = 1e-3;
    /// <summary>A pi.json to start from instead of the uniform prior (transfer).</summary>
    public string? PriorFrom { get; init; }

    // ---- run --------------------------------------------------------------------------------------
    public ulong Seed { get; init; }
    /// <summary>
    /// Workers that process the K samples of an iteration at once, each with its own tape (threads on the CPU
    /// backend). The search's result does not depend on it (bit for bit on the CPU), only its speed and memory do.
    /// Null: automatic (<see cref="SampleConcurrency.Automatic"/>: one per core on the CPU, 1 on CUDA). The search
    /// records the number it chose.
    /// </summary>
    public int? Concurrency { get; init; }
    /// <summary>Write a checkpoint every this many iterations (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 100;
    /// <summary>Append a metrics line and a pi_history line every this many iterations.</summary>
    public int LogEvery { get; init; } = 1;

    /// <summary>
    /// The estimator exactly as the paper states it: batch-sum likelihoods, importance-weighted weight gradients,
    /// no baseline, no warm-up, independent term inputs, DARTS' prior learning rate. docs/search-quality.md
    /// measures it against the defaults.
    /// </summary>
    public static SearchOptions Paper => new()
    {
        LikelihoodScale = 1, WeightGradient = WeightGradient.Importance, PriorBaseline = PriorBaseline.None,
        WarmupFraction = 0, TermInputs = TermInputs.Independent, PriorLearningRate = 3e-4,
    };

    /// <summary>The summed Adam steps a logit may take over the search when --prior-lr is automatic (nats).</summary>
    public const double AutoPriorTravel = 6.0;
    /// <summary>The largest automatic step: in very short searches larger steps would make pi follow single noisy estimates.</summary>
    public const double AutoPriorLearningRateCap = 0.1;

    /// <summary>Iterations before pi starts to move.</summary>
    public int WarmupIterations(int totalIterations) => (int)Math.Floor(WarmupFraction * totalIterations);

    /// <summary>
    /// These options with every automatic value replaced by what is in force for a search of
    /// <paramref name="iterationsPerEpoch"/> iterations per epoch on images of <paramref name="imageSide"/> pixels:
    /// the iterations and the epochs they span, the likelihood scale, the prior's learning rate and the image size.
    /// options.json records this, so that it says what ran and a resumed run repeats it. (The concurrency depends
    /// on the backend; the search session resolves it.)
    /// </summary>
    public SearchOptions Resolved(int iterationsPerEpoch, int imageSide)
    {
        int iterations = Iterations ?? Epochs * iterationsPerEpoch;
        int priorIterations = Math.Max(1, iterations - WarmupIterations(iterations));
        return this with
        {
            Iterations = iterations,
            Epochs = (iterations + iterationsPerEpoch - 1) / iterationsPerEpoch,
            ImageSize = imageSide,
            LikelihoodScale = LikelihoodScale ?? 1.0 / BatchSize,
            PriorLearningRate = PriorLearningRate ?? Math.Min(AutoPriorLearningRateCap, AutoPriorTravel / priorIterations),
        };
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the option (by its command-line flag) and what it expects.</summary>
    public void Validate()
    {
        // Infinity and 1e400 parse as numbers; caught here, they would otherwise surface as a JSON error when options.json is written.
        foreach (var (flag, value) in new[]
                 {
                     ("--train-fraction", TrainFraction), ("--lr", WeightLearningRate), ("--lr-min", WeightLearningRateMin), ("--momentum", WeightMomentum),
                     ("--weight-decay", WeightDecay), ("--grad-clip", GradientClip), ("--prior-lr", PriorLearningRate ?? 0), ("--prior-beta1", PriorBeta1),
                     ("--prior-beta2", PriorBeta2), ("--prior-weight-decay", PriorWeightDecay), ("--likelihood-scale", LikelihoodScale ?? 1), ("--warmup", WarmupFraction),
                 })
            Require(double.IsFinite(value), $"{flag} must be a finite number, got {value}");
        Require(TrainFraction is > 0 and < 1, $"--train-fraction must be in (0, 1), got {TrainFraction}");
        Require(ImageSize >= 1, $"--image-size must be >= 1, got {ImageSize}");
        Require(DataCount is null or >= 2, $"--train-count must be >= 2, got {DataCount}");
        Require(Channels >= 2 && Channels % 2 == 0, $"--channels must be even and >= 2, got {Channels}");
        Require(Layers >= 1, $"--layers must be >= 1, got {Layers}");
        Require(BatchSize >= 2, $"--batch-size must be >= 2 (batch norm needs two examples), got {BatchSize}");
        Require(Epochs >= 1, $"--epochs must be >= 1, got {Epochs}");
        Require(Iterations is null or >= 1, $"--iterations must be >= 1, got {Iterations}");
        Require(Samples >= 1, $"--samples must be >= 1, got {Samples}");
        Require(WeightSamples is null || (WeightSamples >= 1 && WeightSamples <= Samples), $"--weight-samples must be between 1 and --samples ({Samples}), got {WeightSamples}");
        Require(LikelihoodScale is null || (LikelihoodScale > 0 && double.IsFinite(LikelihoodScale.Value)), $"--likelihood-scale must be positive, got {LikelihoodScale}");
        Require(WarmupFraction is >= 0 and < 1, $"--warmup must be in [0, 1), got {WarmupFraction}");
        Require(WeightLearningRate > 0, $"--lr must be positive, got {WeightLearningRate}");
        Require(WeightLearningRateMin >= 0, $"--lr-min must be >= 0, got {WeightLearningRateMin}");
        Require(WeightMomentum >= 0, $"--momentum must be >= 0, got {WeightMomentum}");
        Require(WeightDecay >= 0, $"--weight-decay must be >= 0, got {WeightDecay}");
        Require(GradientClip > 0, $"--grad-clip must be positive, got {GradientClip}");
        Require(PriorLearningRate is null || (PriorLearningRate >= 0 && double.IsFinite(PriorLearningRate.Value)), $"--prior-lr must be >= 0, got {PriorLearningRate}");
        Require(PriorBeta1 is >= 0 and < 1 && PriorBeta2 is >= 0 and < 1, $"--prior-beta1 and --prior-beta2 must be in [0, 1), got {PriorBeta1} and {PriorBeta2}");
        Require(PriorWeightDecay >= 0, $"--prior-weight-decay must be >= 0, got {PriorWeightDecay}");
        Require(Concurrency is null or >= 1, $"--concurrency must be >= 1, got {Concurrency}");
        Require(CheckpointEvery >= 1, $"--checkpoint-every must be >= 1, got {CheckpointEvery}");
        Require(LogEvery >= 1, $"--log-every must be >= 1, got {LogEvery}");

        static void Require(bool condition, string message)
        {
            if (!condition) throw new ArgumentException(message);
        }
    }
}
