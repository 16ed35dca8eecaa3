using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Cli.Console;
using Parsec.Search.Data.Files;
using Parsec.Search.Flags;
using Parsec.Search.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec train`: trains a genotype from scratch with the DARTS evaluation protocol (every default is the
/// paper's CIFAR-10 setting except the dataset, which is generated so that the command runs offline).
/// </summary>
internal sealed partial class TrainCommand : Command<TrainCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    [FlagsOf(typeof(EvaluationOptions))]
    public sealed partial class Settings : Replay.ConfigurableSettings
    {
        [CommandOption("--genotype <NAME|FILE>")]
        [Description("A published genotype (DARTS_V1, DARTS_V2) or a genotype JSON file, e.g. the one a search wrote.")]
        [DefaultValue("DARTS_V2")]
        public string Genotype { get; init; } = "DARTS_V2";

        [CommandOption("--out <FOLDER>")]
        [Description("Run folder for metrics.jsonl, checkpoint.safetensors and weights.safetensors (default runs/<time>-train-<genotype>).")]
        public string? Out { get; init; }

        [CommandOption("--resume <FOLDER>")]
        [Description("Continue the run in FOLDER from its last checkpoint, with the options and backend it was started with (--backend and --precision choose others; other options are ignored).")]
        public string? Resume { get; init; }

        // The training options (--epochs, --channels, --lr, ...) are declared on EvaluationOptions and generated
        // into this class from there ([FlagsOf]); the two switches below turn into its Auxiliary and HorizontalFlip.
        // In a --config file they are the record's "auxiliary" and "horizontal_flip" (true, false, or null for the dataset's default).
        [CommandOption("--no-auxiliary")] [Description("Build the network without the auxiliary head.")] [ConfigKey("auxiliary", OnValue = false)] public bool NoAuxiliary { get; init; }
        [CommandOption("--flip")] [Description("Random horizontal flips. Default: on, except where a flip changes the class (MNIST digits, the textures dataset).")] [ConfigKey("horizontal_flip")] public bool Flip { get; init; }
        [CommandOption("--no-flip")] [Description("No random horizontal flips.")] [ConfigKey("horizontal_flip", OnValue = false)] public bool NoFlip { get; init; }

        public EvaluationOptions ToOptions() =>
            ApplyFlags(new EvaluationOptions { Auxiliary = !NoAuxiliary, HorizontalFlip = NoFlip ? false : Flip ? true : null });

        public override ValidationResult Validate()
        {
            if (Flip && NoFlip) return ValidationResult.Error("--flip and --no-flip contradict each other; give one");
            if (Resume is not null && Out is not null) return ValidationResult.Error("--resume continues an existing run folder; do not give --out with it");
            if (Out is not null && File.Exists(Out)) return ValidationResult.Error($"--out {Out} is a file; name a folder for the run");
            try { ToOptions().Validate(); }
            catch (BadInputException e) { return ValidationResult.Error(e.Message); }
            return base.Validate();
        }
    }

    /// <summary>Flags that mean something with --resume; any other is reported as ignored.</summary>
    private static readonly string[] ResumeFlags = ["--resume", "--backend", "--precision"];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var cancellation = new ConsoleCancellation(cancellationToken);
        var saved = settings.Resume is not null ? EvaluationRun.SavedBackend(settings.Resume) : default;
        using var backend = settings.Resume is not null
            ? ResumeBackend.Create(saved.Name, saved.Precision, settings.ApplyFlags(new BackendFlags()), GivenFlags.Names(context))
            : BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
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
