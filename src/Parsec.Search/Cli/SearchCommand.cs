using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Cli.Console;
using Parsec.Search.Flags;
using Parsec.Search.Loop;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec search`: PARSEC on a dataset's training set (split in halves for the weights and for pi). Every
/// default is the paper's CIFAR-10 search setting; the dataset defaults to a generated one so that the
/// command runs offline.
/// </summary>
internal sealed partial class SearchCommand : Command<SearchCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    [FlagsOf(typeof(SearchOptions))]
    public sealed partial class Settings : SpaceSettings
    {
        [CommandOption("--resume <RUN>")]
        [Description("Continue the run folder RUN from its checkpoint, with the options and backend it was started with; --lr, --prior-lr and --grad-clip may change the step sizes, --backend and --precision the backend, --concurrency the workers (other options are ignored).")]
        public string? Resume { get; init; }

        [CommandOption("--runs <FOLDER>")]
        [Description("Where new run folders are made.")]
        [DefaultValue(RunFolder.DefaultRoot)]
        public string Runs { get; init; } = RunFolder.DefaultRoot;

        [CommandOption("--name <NAME>")]
        [Description("Run folder name after the time stamp.")]
        [DefaultValue("search")]
        public string Name { get; init; } = "search";

        // Every option of the search itself (--channels, --samples, --lr, ...) is declared on SearchOptions and
        // generated into this class from there ([FlagsOf]); only the run's own flags are declared here.
        [CommandOption("--prior-from <PI_JSON>")] [Description("Start from a learnt pi (transfer) instead of the uniform prior.")] public string? PriorFrom { get; init; }
        [CommandOption("--stop-after <N>")] [Description("Checkpoint and stop once N iterations are done (resume later with --resume).")] [Flags.Within(1, 100000000)] public int? StopAfter { get; init; }

        public SearchOptions ToOptions() => ApplyFlags(new SearchOptions
        {
            Dataset = ToSpec() with { TestCount = null }, // the search never reads the test set
            PriorFrom = PriorFrom is null ? null : Path.GetFullPath(PriorFrom),
            Space = ToSpace(),
        });

        public override ValidationResult Validate()
        {
            // A flag that would do nothing is refused rather than recorded as if it had been applied.
            if (TestCount is not null) return ValidationResult.Error("--test-count does nothing here: a search never reads the test set (it splits the training set for the weights and pi)");
            if (File.Exists(Runs)) return ValidationResult.Error($"--runs {Runs} is a file; name the folder run folders are made in");
            if (Resume is not null && !Directory.Exists(Resume)) return ValidationResult.Error($"--resume: run folder not found: {Resume}");
            if (PriorFrom is not null && !File.Exists(PriorFrom)) return ValidationResult.Error($"--prior-from: file not found: {PriorFrom} (expected a pi.json written by a search)");
            try { ToOptions().Validate(); }
            catch (BadInputException e) { return ValidationResult.Error(e.Message); }
            return Resume is null ? base.Validate() : ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var cancellation = new ConsoleCancellation(cancellationToken);
        var limits = new RunLimits(settings.StopAfter, cancellation.Token);
        // Under an MPI launcher every rank runs this; rank 0 makes the run folder, writes it and speaks for the job.
        using var world = Distributed.MpiWorld.Join();
        return DistributedFailure.AbortOnFailure(world, () =>
        {
            if (world is not null) AnsiConsole.MarkupLineInterpolated($"{world.Size} MPI ranks ({world.Library}); samples k are run by rank k mod {world.Size}");
            if (settings.Resume is not null) return SearchSummary.Print(Resume(context, settings, limits, world));
            using var backend = BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
            var options = settings.ToOptions();
            string? folder = world is null || world.IsRoot ? RunFolder.CreateNew(settings.Runs, settings.Name, DateTime.Now).Path : null;
            if (world is not null) folder = world.Broadcast(folder);
            return SearchSummary.Print(Start(options, backend, new RunFolder(folder!), limits, world));
        });
    }

    /// <summary>Flags that mean something with --resume; any other is reported as ignored.</summary>
    private static readonly string[] ResumeFlags = ["--resume", "--backend", "--precision", "--concurrency", "--lr", "--prior-lr", "--grad-clip", "--stop-after"];

    private static SearchResult Resume(CommandContext context, Settings settings, RunLimits limits, Distributed.MpiWorld? world)
    {
        var run = RunFolder.OpenExisting(settings.Resume!);
        var overrides = new StepSizeOverrides(
            GivenFlags.Contains(context, "--lr") ? settings.WeightLearningRate : null,
            GivenFlags.Contains(context, "--prior-lr") ? settings.PriorLearningRate : null,
            GivenFlags.Contains(context, "--grad-clip") ? settings.GradientClip : null);
        using var backend = ResumeBackend.Create(OptionsFile.ReadBackend(run.Options), OptionsFile.ReadPrecision(run.Options), settings.ApplyFlags(new BackendFlags()), GivenFlags.Names(context));
        AnsiConsole.MarkupLineInterpolated($"resuming {run.Path} (options as saved in its options.json)");
        GivenFlags.ReportIgnored(context, ResumeFlags);
        if (!overrides.IsEmpty) AnsiConsole.MarkupLineInterpolated($"changed from here on: {overrides.ToJson().ToJsonString()} (recorded in {OptionsHistory.FileName})");
        return SearchProgressDisplay.Run("search", progress => SearchRunner.Resume(run, backend, progress, limits, overrides, settings.Concurrency, world));
    }

    /// <summary>Starts a run in <paramref name="run"/>; when it fails before writing anything, the empty folder is removed.</summary>
    internal static SearchResult Start(SearchOptions options, IBackend backend, RunFolder run, RunLimits limits, Distributed.MpiWorld? world = null)
    {
        AnsiConsole.MarkupLineInterpolated(
            $"search: {options.Dataset.Name}, C={options.Channels}, {options.Layers} cells, batch {options.BatchSize}, K={options.Samples}, run folder {run.Path}");
        try
        {
            return SearchProgressDisplay.Run("search", progress => SearchRunner.Start(options, backend, run, progress, limits, world));
        }
        catch when ((world?.IsRoot ?? true) && !Directory.EnumerateFileSystemEntries(run.Path).Any())
        {
            Directory.Delete(run.Path);
            throw;
        }
    }
}
