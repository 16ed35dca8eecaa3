using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Cli.Console;
using Parsec.Search.Data.Files;
using Parsec.Search.Runs;
using Parsec.Search.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec train`: trains a genotype from scratch with the DARTS evaluation protocol (every default is the
/// paper's CIFAR-10 setting except the dataset, which is generated so that the command runs offline).
/// </summary>
public sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : DataCommand.DatasetSettings
    {
        [CommandOption("--genotype <NAME|FILE>")]
        [Description("A published genotype (DARTS_V1, DARTS_V2) or a genotype JSON file, e.g. the one a search wrote.")]
        [DefaultValue("DARTS_V2")]
        public string Genotype { get; init; } = "DARTS_V2";

        [CommandOption("--out <FOLDER>")]
        [Description("Run folder for metrics.jsonl, checkpoint.safetensors and weights.safetensors (default runs/<time>-train-<genotype>).")]
        public string? Out { get; init; }

        [CommandOption("--resume <FOLDER>")]
        [Description("Continue the run in FOLDER from its last checkpoint, with the options and backend it was started with (--backend chooses another; other options are ignored).")]
        public string? Resume { get; init; }

        [CommandOption("--backend <auto|cpu|cuda>")]
        [Description("auto: CUDA when a usable GPU is present, else the CPU.")]
        [DefaultValue(BackendChoice.Auto)]
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;

        [CommandOption("--epochs <N>")] [Description("600 in the DARTS protocol.")] [DefaultValue(600)] public int Epochs { get; init; } = 600;
        [CommandOption("--channels <C>")] [Description("Initial channels C.")] [DefaultValue(36)] public int Channels { get; init; } = 36;
        [CommandOption("--layers <L>")] [Description("Cells.")] [DefaultValue(20)] public int Layers { get; init; } = 20;
        [CommandOption("--batch-size <N>")] [Description("Training and test batch size.")] [DefaultValue(96)] public int BatchSize { get; init; } = 96;
        [CommandOption("--lr <RATE>")] [Description("Initial SGD learning rate, cosine-annealed over the epochs.")] [DefaultValue(0.025)] public double LearningRate { get; init; } = 0.025;
        [CommandOption("--lr-min <RATE>")] [Description("Learning rate the cosine reaches after the last epoch.")] [DefaultValue(0.0)] public double MinLearningRate { get; init; }
        [CommandOption("--momentum <M>")] [Description("SGD momentum.")] [DefaultValue(0.9)] public double Momentum { get; init; } = 0.9;
        [CommandOption("--weight-decay <WD>")] [Description("L2 weight decay added to the gradient.")] [DefaultValue(3e-4)] public double WeightDecay { get; init; } = 3e-4;
        [CommandOption("--grad-clip <NORM>")] [Description("Limit of the global gradient 2-norm.")] [DefaultValue(5.0)] public double GradientClip { get; init; } = 5;
        [CommandOption("--drop-path <P>")] [Description("Final drop-path probability, ramped linearly from 0.")] [DefaultValue(0.2)] public double DropPath { get; init; } = 0.2;
        [CommandOption("--auxiliary-weight <W>")] [Description("Weight of the auxiliary head's loss.")] [DefaultValue(0.4)] public double AuxiliaryWeight { get; init; } = 0.4;
        [CommandOption("--no-auxiliary")] [Description("Build the network without the auxiliary head.")] public bool NoAuxiliary { get; init; }
        [CommandOption("--cutout <PIXELS>")] [Description("Cutout square side; 0 turns cutout off. Default: 16 on CIFAR, 0 elsewhere.")] public int? Cutout { get; init; }
        [CommandOption("--crop-padding <PIXELS>")] [Description("Zero padding of the random crop; 0 turns cropping off. Default: 4 on CIFAR, 2 on MNIST and Fashion-MNIST, an eighth of the side elsewhere.")] public int? CropPadding { get; init; }
        [CommandOption("--flip")] [Description("Random horizontal flips. Default: on, except where a flip changes the class (MNIST digits, the textures dataset).")] public bool Flip { get; init; }
        [CommandOption("--no-flip")] [Description("No random horizontal flips.")] public bool NoFlip { get; init; }
        [CommandOption("--seed <SEED>")] [Description("Seeds initial weights, batch order, augmentation and drop-path masks.")] [DefaultValue(0UL)] public ulong Seed { get; init; }
        [CommandOption("--test-every <EPOCHS>")] [Description("Evaluate the test set every this many epochs (and after the last).")] [DefaultValue(1)] public int TestEvery { get; init; } = 1;
        [CommandOption("--prefetch <BATCHES>")] [Description("Batches prepared ahead of the training step.")] [DefaultValue(3)] public int Prefetch { get; init; } = 3;
        [CommandOption("--loader-workers <N>")] [Description("Threads preparing batches.")] [DefaultValue(1)] public int LoaderWorkers { get; init; } = 1;

        public EvaluationOptions ToOptions() => new()
        {
            Epochs = Epochs, Channels = Channels, Layers = Layers, BatchSize = BatchSize,
            LearningRate = LearningRate, MinLearningRate = MinLearningRate, Momentum = Momentum, WeightDecay = WeightDecay,
            GradientClip = GradientClip, DropPath = DropPath, Auxiliary = !NoAuxiliary, AuxiliaryWeight = AuxiliaryWeight,
            Cutout = Cutout, CropPadding = CropPadding, HorizontalFlip = NoFlip ? false : Flip ? true : null, Seed = Seed, TestEvery = TestEvery,
            Prefetch = Prefetch, LoaderWorkers = LoaderWorkers,
        };

        public override ValidationResult Validate()
        {
            if (Flip && NoFlip) return ValidationResult.Error("--flip and --no-flip contradict each other; give one");
            if (Resume is not null && Out is not null) return ValidationResult.Error("--resume continues an existing run folder; do not give --out with it");
            try { ToOptions().Validate(); }
            catch (ArgumentException e) { return ValidationResult.Error(e.Message); }
            return base.Validate();
        }
    }

    /// <summary>Flags that mean something with --resume; any other is reported as ignored.</summary>
    private static readonly string[] ResumeFlags = ["--resume", "--backend"];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var cancellation = new ConsoleCancellation(cancellationToken);
        using var backend = settings.Resume is not null
            ? ResumeBackend.Create(EvaluationRun.SavedBackend(settings.Resume), settings.Backend, GivenFlags.Contains(context, "--backend"))
            : BackendSelection.Create(settings.Backend);
        if (settings.Resume is not null) GivenFlags.ReportIgnored(context, ResumeFlags);
        using var run = settings.Resume is not null ? Resume(backend, settings.Resume) : Start(backend, settings);
        var o = run.Options;
        AnsiConsole.MarkupLineInterpolated($"genotype: {run.Genotype}");
        AnsiConsole.MarkupLineInterpolated(
            $"network: C={o.Channels}, {o.Layers} cells, {run.ParameterCountWithoutAuxiliary / 1e6:0.000} M parameters (without the auxiliary head); batch {o.BatchSize}, {o.Epochs} epochs, run folder {run.Folder}");
        AnsiConsole.MarkupLineInterpolated($"augmentation: {o.Augmentation} (flags not given take the dataset's defaults)");
        EvaluationResult result;
        try
        {
            result = run.Train(m => AnsiConsole.WriteLine(
                $"epoch {m.Epoch}/{o.Epochs}: lr {m.LearningRate:0.000000}, train loss {m.TrainLoss:0.0000} acc {100 * m.TrainAccuracy:0.00} %" +
                (m.TestAccuracy is double acc ? $", test loss {m.TestLoss:0.0000} acc {100 * acc:0.00} %" : "") +
                $", {m.EpochSeconds:0.0} s, input wait {m.PipelineWaitMs:0.0} ms"), cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.Token.IsCancellationRequested)
        {
            // Checkpoints are per epoch: the epoch in progress is dropped and runs again, identically, on resume.
            AnsiConsole.MarkupLineInterpolated(
                $"[yellow]stopped during epoch {run.EpochsCompleted + 1}[/]; the checkpoint of epoch {run.EpochsCompleted} is kept; continue with: parsec train --resume \"{run.Folder}\"");
            return CliApp.Stopped;
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]test accuracy {100 * result.TestAccuracy:0.00} %[/] (loss {result.TestLoss:0.0000}) after {result.Epochs} epochs; weights in {result.WeightsPath}");
        AnsiConsole.MarkupLineInterpolated($"input pipeline: {result.Pipeline}");
        return 0;
    }

    private static EvaluationRun Start(IBackend backend, Settings settings)
    {
        var genotype = PublishedGenotypes.Resolve(settings.Genotype);
        var spec = settings.ToSpec();
        var data = DatasetSplitsLoader.Load(spec);
        AnsiConsole.MarkupLineInterpolated($"dataset: {data.Dataset} from {data.Source}: {data.Train.Count} training and {data.Test.Count} test images of {data.Channels}x{data.Height}x{data.Width}, {data.Classes} classes");
        EvaluationRun.Validate(genotype, settings.ToOptions(), data);
        string folder = settings.Out ?? RunFolder.CreateNew(null, $"train-{Path.GetFileNameWithoutExtension(settings.Genotype)}", DateTime.Now).Path;
        return EvaluationRun.Start(backend, folder, genotype, settings.ToOptions(), spec, data);
    }

    private static EvaluationRun Resume(IBackend backend, string folder)
    {
        var run = EvaluationRun.Resume(backend, folder);
        AnsiConsole.MarkupLineInterpolated($"resuming {folder} after epoch {run.EpochsCompleted} (options as saved in its checkpoint)");
        return run;
    }
}
