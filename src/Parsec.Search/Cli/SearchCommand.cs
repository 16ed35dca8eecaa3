using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Cli.Console;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;
using Parsec.Search.Prior;
using Parsec.Search.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec search`: PARSEC on a dataset's training set (split in halves for the weights and for pi). Every
/// default is the paper's CIFAR-10 search setting; the dataset defaults to a generated one so that the
/// command runs offline.
/// </summary>
public sealed class SearchCommand : Command<SearchCommand.Settings>
{
    public sealed class Settings : DataCommand.DatasetSettings
    {
        [CommandOption("--resume <RUN>")]
        [Description("Continue the run folder RUN from its checkpoint, with the options and backend it was started with; --lr, --prior-lr and --grad-clip may change the step sizes, --backend the backend, --concurrency the workers (other options are ignored).")]
        public string? Resume { get; init; }

        [CommandOption("--runs <FOLDER>")]
        [Description("Where new run folders are made.")]
        [DefaultValue(RunFolder.DefaultRoot)]
        public string Runs { get; init; } = RunFolder.DefaultRoot;

        [CommandOption("--name <NAME>")]
        [Description("Run folder name after the time stamp.")]
        [DefaultValue("search")]
        public string Name { get; init; } = "search";

        [CommandOption("--backend <auto|cpu|cuda>")]
        [DefaultValue(BackendChoice.Auto)]
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;

        [CommandOption("--channels <C>")] [Description("Initial channels C.")] [DefaultValue(16)] public int Channels { get; init; } = 16;
        [CommandOption("--layers <L>")] [Description("Cells (reductions at L/3 and 2L/3).")] [DefaultValue(8)] public int Layers { get; init; } = 8;
        [CommandOption("--batch-size <N>")] [DefaultValue(64)] public int BatchSize { get; init; } = 64;
        [CommandOption("--epochs <N>")] [Description("Epochs over the weight half.")] [DefaultValue(50)] public int Epochs { get; init; } = 50;
        [CommandOption("--iterations <N>")] [Description("Stop after N iterations in all (overrides --epochs).")] public int? Iterations { get; init; }
        [CommandOption("-k|--samples <K>")] [Description("Architectures sampled per iteration.")] [DefaultValue(16)] public int Samples { get; init; } = 16;
        [CommandOption("--weight-samples <N>")] [Description("How many of the K samples also train the weights (default: all K). Forward passes for pi are cheaper than training passes.")] public int? WeightSamples { get; init; }
        [CommandOption("--likelihood-scale <T>")] [Description("Multiplies the batch log-likelihood sums before the importance weights; 1 is the paper's batch sum. Default: 1 / batch size (the per-example mean).")] public double? LikelihoodScale { get; init; }
        [CommandOption("--term-inputs <MODE>")] [Description("independent (each term picks its input) or distinctpernode (the two terms of a node read different inputs, as in DARTS).")] [DefaultValue(TermInputs.DistinctPerNode)] public TermInputs TermInputs { get; init; } = TermInputs.DistinctPerNode;
        [CommandOption("--weight-gradient <MODE>")] [Description("equal (every sampled op is trained) or importance (the paper's importance-weighted sum).")] [DefaultValue(WeightGradient.Equal)] public WeightGradient WeightGradient { get; init; } = WeightGradient.Equal;
        [CommandOption("--prior-baseline <MODE>")] [Description("mean (subtract 1/K from the importance weights of the pi gradient) or none (the paper's estimator).")] [DefaultValue(PriorBaseline.Mean)] public PriorBaseline PriorBaseline { get; init; } = PriorBaseline.Mean;
        [CommandOption("--warmup <FRACTION>")] [Description("Share of the iterations that train the weights alone on uniformly sampled architectures, pi frozen.")] [DefaultValue(0.5)] public double Warmup { get; init; } = 0.5;
        [CommandOption("--train-fraction <F>")] [Description("Share of the training set that fits the weights; the rest fits pi.")] [DefaultValue(0.5)] public double TrainFraction { get; init; } = 0.5;
        [CommandOption("--lr <RATE>")] [Description("SGD learning rate of the weights, cosine-annealed per epoch.")] [DefaultValue(0.025)] public double LearningRate { get; init; } = 0.025;
        [CommandOption("--lr-min <RATE>")] [DefaultValue(0.001)] public double MinLearningRate { get; init; } = 0.001;
        [CommandOption("--momentum <M>")] [DefaultValue(0.9)] public double Momentum { get; init; } = 0.9;
        [CommandOption("--weight-decay <WD>")] [DefaultValue(3e-4)] public double WeightDecay { get; init; } = 3e-4;
        [CommandOption("--grad-clip <NORM>")] [DefaultValue(5.0)] public double GradientClip { get; init; } = 5;
        [CommandOption("--prior-lr <RATE>")] [Description("Adam learning rate of pi's logits. Default: 6 / (iterations after the warm-up), which is DARTS' 3e-4 at the paper's 50 epochs.")] public double? PriorLearningRate { get; init; }
        [CommandOption("--prior-beta1 <B>")] [DefaultValue(0.5)] public double PriorBeta1 { get; init; } = 0.5;
        [CommandOption("--prior-beta2 <B>")] [DefaultValue(0.999)] public double PriorBeta2 { get; init; } = 0.999;
        [CommandOption("--prior-weight-decay <WD>")] [DefaultValue(1e-3)] public double PriorWeightDecay { get; init; } = 1e-3;
        [CommandOption("--prior-from <PI_JSON>")] [Description("Start from a learnt pi (transfer) instead of the uniform prior.")] public string? PriorFrom { get; init; }
        [CommandOption("--concurrency <N>")] [Description("Samples processed at once, each by a worker of its own (default: automatic, one per core on the CPU, 1 on CUDA). The result is the same for every value; with --resume it may change.")] public int? Concurrency { get; init; }
        [CommandOption("--seed <SEED>")] [DefaultValue(0UL)] public ulong Seed { get; init; }
        [CommandOption("--checkpoint-every <N>")] [Description("Iterations between checkpoints.")] [DefaultValue(100)] public int CheckpointEvery { get; init; } = 100;
        [CommandOption("--log-every <N>")] [Description("Iterations between metrics and pi_history lines.")] [DefaultValue(1)] public int LogEvery { get; init; } = 1;
        [CommandOption("--stop-after <N>")] [Description("Checkpoint and stop once N iterations are done (resume later with --resume).")] public int? StopAfter { get; init; }

        public SearchOptions ToOptions()
        {
            var data = ToSpec();
            return new SearchOptions
            {
                Dataset = data.Name, DataFolder = data.Folder, ImageSize = data.ImageSize, DataCount = data.TrainCount, DataSeed = data.Seed,
                Cifar100Coarse = data.Cifar100Coarse, TrainFraction = TrainFraction,
                Channels = Channels, Layers = Layers, BatchSize = BatchSize, Epochs = Epochs, Iterations = Iterations,
                Samples = Samples, WeightSamples = WeightSamples, LikelihoodScale = LikelihoodScale, TermInputs = TermInputs,
                WeightGradient = WeightGradient, PriorBaseline = PriorBaseline, WarmupFraction = Warmup,
                WeightLearningRate = LearningRate, WeightLearningRateMin = MinLearningRate, WeightMomentum = Momentum, WeightDecay = WeightDecay,
                GradientClip = GradientClip, PriorLearningRate = PriorLearningRate, PriorBeta1 = PriorBeta1, PriorBeta2 = PriorBeta2,
                PriorWeightDecay = PriorWeightDecay, PriorFrom = PriorFrom is null ? null : Path.GetFullPath(PriorFrom),
                Seed = Seed, Concurrency = Concurrency, CheckpointEvery = CheckpointEvery, LogEvery = LogEvery,
            };
        }

        public override ValidationResult Validate()
        {
            if (StopAfter is < 1) return ValidationResult.Error($"--stop-after must be >= 1, got {StopAfter}");
            if (Resume is not null && !Directory.Exists(Resume)) return ValidationResult.Error($"--resume: run folder not found: {Resume}");
            if (PriorFrom is not null && !File.Exists(PriorFrom)) return ValidationResult.Error($"--prior-from: file not found: {PriorFrom} (expected a pi.json written by a search)");
            try { ToOptions().Validate(); }
            catch (ArgumentException e) { return ValidationResult.Error(e.Message); }
            return Resume is null ? base.Validate() : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var cancellation = new ConsoleCancellation(cancellationToken);
        var limits = new RunLimits(settings.StopAfter, cancellation.Token);
        if (settings.Resume is not null) return SearchSummary.Print(Resume(context, settings, limits));
        using var backend = BackendSelection.Create(settings.Backend);
        var options = settings.ToOptions();
        return SearchSummary.Print(Start(options, backend, RunFolder.CreateNew(settings.Runs, settings.Name, DateTime.Now), limits));
    }

    /// <summary>Flags that mean something with --resume; any other is reported as ignored.</summary>
    private static readonly string[] ResumeFlags = ["--resume", "--backend", "--concurrency", "--lr", "--prior-lr", "--grad-clip", "--stop-after"];

    private static SearchResult Resume(CommandContext context, Settings settings, RunLimits limits)
    {
        var run = RunFolder.OpenExisting(settings.Resume!);
        var overrides = new StepSizeOverrides(
            GivenFlags.Contains(context, "--lr") ? settings.LearningRate : null,
            GivenFlags.Contains(context, "--prior-lr") ? settings.PriorLearningRate : null,
            GivenFlags.Contains(context, "--grad-clip") ? settings.GradientClip : null);
        using var backend = ResumeBackend.Create(OptionsFile.ReadBackend(run.Options), settings.Backend, GivenFlags.Contains(context, "--backend"));
        AnsiConsole.MarkupLineInterpolated($"resuming {run.Path} (options as saved in its options.json)");
        GivenFlags.ReportIgnored(context, ResumeFlags);
        if (!overrides.IsEmpty) AnsiConsole.MarkupLineInterpolated($"changed from here on: {overrides.ToJson().ToJsonString()} (recorded in {OptionsHistory.FileName})");
        return SearchProgressDisplay.Run("search", progress => SearchRunner.Resume(run, backend, progress, limits, overrides, settings.Concurrency));
    }

    /// <summary>Starts a run in <paramref name="run"/>; when it fails before writing anything, the empty folder is removed.</summary>
    internal static SearchResult Start(SearchOptions options, IBackend backend, RunFolder run, RunLimits limits)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"search: {options.Dataset}, C={options.Channels}, {options.Layers} cells, batch {options.BatchSize}, K={options.Samples}, run folder {run.Path}");
        try
        {
            return SearchProgressDisplay.Run("search", progress => SearchRunner.Start(options, backend, run, progress, limits));
        }
        catch when (!Directory.EnumerateFileSystemEntries(run.Path).Any())
        {
            Directory.Delete(run.Path);
            throw;
        }
    }
}
