using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Cli.Console;
using Parsec.Search.Data.Generated;
using Parsec.Search.Loop;
using Parsec.Search.Flags;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Cli;

/// <summary>How long the demo runs.</summary>
internal enum DemoLength
{
    /// <summary>A real, short search: a few minutes on a 2-core CPU.</summary>
    Full,
    /// <summary>Seconds: checks that the whole path works (used by CI).</summary>
    Quick,
}

/// <summary>
/// `parsec` without arguments (or `parsec demo`): a short real search on the generated textures dataset, on
/// CUDA when it is usable and on the CPU otherwise. It uses a small network, a few hundred iterations and the
/// search's defaults (a warm-up, then pi fitted with 16 samples per iteration, 4 of which train the weights);
/// it prints the run folder, how far pi moved from uniform, which choices it decided and the validation
/// accuracy against chance.
/// </summary>
internal sealed partial class DemoCommand : Command<DemoCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    public sealed partial class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("A run of seconds instead of minutes, to check that everything works.")]
        public bool Quick { get; init; }

        [CommandOption("--runs <FOLDER>")]
        [Description("Where the run folder is made.")]
        [DefaultValue(RunFolder.DefaultRoot)]
        public string Runs { get; init; } = RunFolder.DefaultRoot;
    }

    /// <summary>The demo's search settings; everything not set here keeps the paper's value.</summary>
    public static SearchOptions Options(DemoLength length) => length == DemoLength.Full
        ? new SearchOptions
        {
            // The textures study's setting at 300 iterations (255 of them the automatic warm-up): in
            // docs/search-quality.md the cells of three search seeds rank first of 8 (98.7 % against a random median of 73.2 %).
            Dataset = new DatasetSpec(OrientedTextures.Name, ImageSize: 8, TrainCount: 1000),
            Channels = 8, Layers = 5, BatchSize = 32, Samples = 16, WeightSamples = 4, Iterations = 300,
            CheckpointEvery = 50,
        }
        : new SearchOptions
        {
            Dataset = new DatasetSpec(OrientedTextures.Name, ImageSize: 8, TrainCount: 256),
            Channels = 4, Layers = 3, BatchSize = 16, Samples = 4, WeightSamples = 2, Iterations = 12,
            CheckpointEvery = 6,
        };

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var length = settings.Quick ? DemoLength.Quick : DemoLength.Full;
        AnsiConsole.MarkupLineInterpolated($"[bold]PARSEC demo[/] ({length.ToString().ToLowerInvariant()})");
        using var backend = BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
        using var cancellation = new ConsoleCancellation(cancellationToken);
        var run = RunFolder.CreateNew(settings.Runs, length == DemoLength.Full ? "demo" : "demo-quick", DateTime.Now);
        var result = SearchCommand.Start(Options(length), backend, run, new RunLimits(Cancellation: cancellation.Token));
        return SearchSummary.Print(result);
    }
}
