using System.ComponentModel;
using Parsec.Search.Cli.Console;
using Parsec.Search.Flags;
using Parsec.Search.Study;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec study`: the experiment that decides whether a search worked. It searches (or takes pi from a run),
/// derives the genotype, draws random genotypes from the same space, and trains every genotype with the same
/// budget for several seeds. Defaults are a small size that fits a 2-core CPU well inside an hour
/// (docs/search-quality.md gives the sizes and the figures).
/// </summary>
internal sealed partial class StudyCommand : Command<StudyCommand.Settings>
{
    public const int DefaultTrainCount = 4000;

    [FlagsOf(typeof(StudyBudget))]
    [FlagsOf(typeof(BackendFlags))]
    [FlagsOf(typeof(StudyOptions))]
    public sealed partial class Settings : SpaceSettings
    {
        [CommandOption("--out <FOLDER>")] [Description("Study folder (default runs/<time>-study).")] public string? Out { get; init; }
        [CommandOption("--resume <FOLDER>")] [Description("Continue the study in FOLDER with the options it was started with.")] public string? Resume { get; init; }
        [CommandOption("--reuse <FOLDER>")] [Description("An earlier study with the same data and training budget: its finished trainings of the same genotypes are copied, not repeated. Repeatable; kept in the study's reuse.json, so --resume copies from them too.")] public string[] Reuse { get; init; } = [];

        [CommandOption("--search <RUN|PI_JSON>")] [Description("Take pi from this search run folder or pi.json instead of searching.")] public string? Search { get; init; }
        // The sizes, the search's length and the training budget (--channels, --search-iterations, --epochs, ...)
        // are declared on StudyBudget, the comparison's size (--random, --seeds, ...) on StudyOptions, and generated
        // into this class from there ([FlagsOf]).
        [CommandOption("--also <NAME>")] [Description("A published genotype to train too (DARTS_V1, DARTS_V2); repeatable. Default: DARTS_V2.")] public string[]? Also { get; init; }
        [CommandOption("--no-published")] [Description("Train no published genotype.")] public bool NoPublished { get; init; }
        [CommandOption("--search-seeds <SEEDS>")]
        [Description("Run one independent search per seed (comma-separated) and judge each against the same random genotypes: one search is an anecdote. Default: 0,1,2 (--search-seed runs one).")]
        public string? SearchSeeds { get; init; }

        [CommandOption("--strategies <NAMES>")]
        [Description("Search strategies to compare, each with every search seed and the same budget (comma-separated: parsec, random-ws, darts). Default: parsec.")]
        public string? Strategies { get; init; }

        /// <summary>The strategies --strategies lists, or null when it was not given.</summary>
        public IReadOnlyList<Loop.SearchStrategy>? ParseStrategies()
        {
            if (Strategies is null) return null;
            if (Strategies == Console.ConversionMessage.MissingValue) throw new BadInputException("--strategies needs a value");
            var converter = new Loop.SearchStrategyConverter();
            try { return Strategies.Split(',', StringSplitOptions.TrimEntries).Select(name => (Loop.SearchStrategy)converter.ConvertFrom(null, null, name)!).ToList(); }
            catch (BadInputException e) { throw new BadInputException(e.Message.Replace("--strategy:", "--strategies:"), e); }
        }

        /// <summary>--search-seeds, else --search-seed alone, else the default seeds; null when pi is taken from --search.</summary>
        private IReadOnlyList<ulong>? SearchSeedList(StudyBudget budget)
        {
            if (SearchSeeds is not null && budget.SearchSeed is not null)
                throw new BadInputException("give --search-seed (one search) or --search-seeds (several), not both");
            if (ParseSearchSeeds() is { } seeds) return seeds;
            if (budget.SearchSeed is { } one) return [one];
            return Search is null ? StudyOptions.DefaultSearchSeeds : null;
        }

        /// <summary>The seeds --search-seeds lists, or null when it was not given.</summary>
        public IReadOnlyList<ulong>? ParseSearchSeeds()
        {
            if (SearchSeeds is null) return null;
            if (SearchSeeds == Console.ConversionMessage.MissingValue) throw new BadInputException("--search-seeds needs a value");
            var parts = SearchSeeds.Split(',', StringSplitOptions.TrimEntries);
            var seeds = new List<ulong>();
            foreach (string part in parts)
            {
                if (!ulong.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong seed))
                    throw new BadInputException($"--search-seeds: '{part}' is not a seed; expected whole numbers separated by commas, such as 0,1,2");
                seeds.Add(seed);
            }
            return seeds;
        }

        public StudyOptions ToOptions()
        {
            var budget = ApplyFlags(new StudyBudget());
            return ApplyFlags(new StudyOptions
            {
                Data = ToSpec() with { TrainCount = TrainCount ?? DefaultTrainCount },
                SearchFrom = Search is null ? null : Path.GetFullPath(Search),
                Search = budget.Search() with { Space = ToSpace() },
                Training = budget.Training(),
                Also = NoPublished ? [] : Also ?? StudyOptions.DefaultAlso,
                SearchSeeds = SearchSeedList(budget),
                DartsIterations = budget.DartsIterations,
                Strategies = ParseStrategies(),
            });
        }

        public override ValidationResult Validate()
        {
            if (Out is not null && File.Exists(Out)) return ValidationResult.Error($"--out {Out} is a file; name a folder for the study");
            if (NoPublished && Also is not null) return ValidationResult.Error("--also and --no-published contradict each other; give one");
            if (Resume is not null) return Directory.Exists(Resume) ? ValidationResult.Success() : ValidationResult.Error($"--resume: study folder not found: {Resume}");
            if (Search is not null && !File.Exists(Search) && !Directory.Exists(Search)) return ValidationResult.Error($"--search: no run folder or pi.json at {Search}");
            foreach (string folder in Reuse)
                if (!Directory.Exists(folder)) return ValidationResult.Error($"--reuse: study folder not found: {folder}");
            // The budget's own flags first: --search-iterations is checked as itself, not as the --iterations it becomes.
            try { Flags.FlagRanges.Check(ApplyFlags(new StudyBudget())); ToOptions().Validate(); }
            catch (BadInputException e) { return ValidationResult.Error(e.Message); }
            return base.Validate();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var backend = BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
        using var cancellation = new ConsoleCancellation(cancellationToken);
        var limits = new StudyLimits(Cancellation: cancellation.Token);
        var progress = new PlainProgress();
        // Under an MPI launcher every rank runs this: searches are spread over the ranks, trainings shared out between them.
        using var world = Distributed.MpiWorld.Join();
        return DistributedFailure.AbortOnFailure(world, () => Run(settings, backend, progress, limits, world));
    }

    private static int Run(Settings settings, Parsec.Autodiff.IBackend backend, PlainProgress progress, StudyLimits limits, Distributed.MpiWorld? world)
    {
        if (world is not null) AnsiConsole.MarkupLineInterpolated($"{world.Size} MPI ranks ({world.Library}): searches spread over them, training i run by rank i mod {world.Size}");
        StudyResult result;
        if (settings.Resume is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"resuming study {settings.Resume} (options as saved in its study.json)");
            result = StudyRunner.Resume(settings.Resume, backend, progress, settings.Reuse, limits, world);
        }
        else
        {
            var options = settings.ToOptions();
            string? folder = settings.Out ?? (world?.IsRoot ?? true ? RunFolder.CreateNew(null, "study", DateTime.Now).Path : null);
            if (world is not null && settings.Out is null) folder = world.Broadcast(folder);
            int searches = options.EffectiveSearchSeeds.Count * options.EffectiveStrategies.Count;
            string search = options.SearchFrom is not null ? $"pi from {options.SearchFrom}"
                : searches == 1 ? $"a search of {options.Search.Iterations} iterations"
                : $"{searches} searches of {options.Search.Iterations} iterations ({string.Join(", ", options.EffectiveStrategies.Select(Loop.SearchStrategyConverter.Name))}; seeds {string.Join(", ", options.EffectiveSearchSeeds)})";
            string also = options.Also.Count > 0 ? $" and {string.Join(", ", options.Also)}" : "";
            AnsiConsole.MarkupLineInterpolated(
                $"study of {options.Data.Name} in {folder}: {search}, {options.RandomGenotypes} random genotypes{also}, {options.Seeds} seeds of {options.Training.Epochs} epochs each");
            result = StudyRunner.Start(options, folder!, backend, progress, settings.Reuse, limits, world);
        }
        if (!result.Finished)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]stopped before {result.UnfinishedAt}[/]; continue with: parsec study --resume \"{result.Folder}\"");
            return CliApp.Stopped;
        }
        AnsiConsole.WriteLine(StudyReport.Table(result));
        AnsiConsole.MarkupLineInterpolated($"wrote results.md, results.json and the plots (results.png{(File.Exists(new StudyFolder(result.Folder).RankingPlot) ? ", ranking.png" : "")}) in {result.Folder}");
        return CliApp.Success;
    }

    /// <summary>One line per step of the study with the share of the work done and the time left at the current rate.</summary>
    private sealed class PlainProgress : IStudyProgress
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private double _firstFraction = -1;

        public void Report(string message, double fractionDone)
        {
            // The search reports no share of the trainings' work, and a resumed study starts part-way: the rate is
            // measured from the first training report of this invocation.
            if (fractionDone <= 0)
            {
                System.Console.WriteLine($"[  0%] {message}");
                return;
            }
            if (_firstFraction < 0)
            {
                _firstFraction = fractionDone;
                _clock.Restart();
            }
            double rate = (fractionDone - _firstFraction) / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
            string left = rate > 0 ? $", about {TimeSpan.FromSeconds((1 - fractionDone) / rate):hh\\:mm\\:ss} left" : "";
            System.Console.WriteLine($"[{100 * fractionDone,3:0}%{left}] {message}");
        }
    }
}
