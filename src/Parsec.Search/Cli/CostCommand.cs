using System.ComponentModel;
using System.Globalization;
using Parsec.Search.Cost;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;
using Parsec.Search.Flags;
using Parsec.Search.Cli.Console;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec cost GENOTYPE`: the exact parameters and multiply-adds of a genotype's evaluation network at given sizes,
/// counted from the network code on the shape-only backend. A search run folder gives its genotype and, unless a
/// flag says otherwise, its own network sizes; anything else is priced at DARTS' CIFAR-10 evaluation sizes.
/// With --latency, also the forward latency predicted from a table of every op at every position, measured on the
/// chosen backend once per machine and shape set and cached (<see cref="LatencyTable"/>); --latency-check N sets that
/// prediction beside measured whole networks for N random genotypes.
/// </summary>
internal sealed partial class CostCommand : Command<CostCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    public sealed partial class Settings : CommandSettings
    {
        [CommandArgument(0, "<GENOTYPE>")]
        [Description("A published genotype (DARTS_V1, DARTS_V2), a genotype JSON file, or a search run folder (its genotype.json and sizes).")]
        public string Genotype { get; init; } = "";

        [CommandOption("--channels <C>")] [Description("Initial channels C (default: the run's, else 36).")] [Flags.Within(2, 1024)] public int? Channels { get; init; }
        [CommandOption("--layers <L>")] [Description("Cells (default: the run's, else 20).")] [Flags.Within(1, 100)] public int? Layers { get; init; }
        [CommandOption("--image-size <PIXELS>")] [Description("Image side (default: the run's, else 32).")] [Flags.Within(1, 4096)] public int? ImageSize { get; init; }
        [CommandOption("--input-channels <N>")] [Description("Image channels (default: the run's dataset's, else 3).")] [Flags.Within(1, 64)] public int? InputChannels { get; init; }
        [CommandOption("--classes <N>")] [Description("Classes (default: the run's dataset's, else 10).")] [Flags.Within(2, 100000)] public int? Classes { get; init; }

        [CommandOption("--latency")] [Description("Also the forward latency, predicted from a table of each op at each position measured on --backend (cached per machine and shape set; measured on first use).")] public bool Latency { get; init; }
        [CommandOption("--latency-batch <N>")] [Description("Images per forward pass the latency is for. On the CPU 128 predicted 19 of 20 random networks within 15 %, 64 only 4 of 10: small ops time too noisily.")] [DefaultValue(128)] [Flags.Within(1, 4096)] public int LatencyBatch { get; init; } = 128;
        [CommandOption("--latency-cache <FOLDER>")] [Description("Where latency tables are kept (default: $PARSEC_LATENCY_CACHE, else $XDG_CACHE_HOME/parsec/latency, else ~/.cache/parsec/latency).")] public string? LatencyCache { get; init; }
        [CommandOption("--latency-check <N>")] [Description("Measure N random genotypes' whole networks and set each beside its predicted latency (implies --latency).")] [Flags.Within(1, 1000)] public int? LatencyCheck { get; init; }
        [CommandOption("--remeasure")] [Description("Measure the latency table anew even when a cached one matches.")] public bool Remeasure { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (genotype, shape, source) = Resolve(settings);
        var cost = NetworkCost.Of(genotype, shape);
        var ci = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLineInterpolated($"{source}: {genotype}");
        AnsiConsole.MarkupLineInterpolated($"network: C = {shape.Channels}, {shape.Layers} cells, {shape.InputChannels}x{shape.ImageSide}x{shape.ImageSide} images, {shape.Classes} classes (evaluation network, no auxiliary head)");
        var table = new Table().AddColumns("measure", "value");
        table.AddRow("parameters", cost.Parameters.ToString("N0", ci) + string.Create(ci, $" ({cost.Parameters / 1e6:0.000} M)"));
        table.AddRow("multiply-adds per image (FLOPs)", cost.MultiplyAdds.ToString("N0", ci) + string.Create(ci, $" ({cost.MultiplyAdds / 1e6:0.0} M)"));
        if (settings.Latency || settings.LatencyCheck is not null)
        {
            using var backend = BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
            var latency = LatencyTableFor(backend, shape, new LatencySettings(settings.LatencyBatch), settings.LatencyCache ?? LatencyTable.DefaultCacheFolder(), settings.Remeasure);
            table.AddRow($"forward latency, batch {settings.LatencyBatch} ({latency.Machine})", string.Create(ci, $"{latency.Predict(genotype):0.00} ms predicted"));
            AnsiConsole.Write(table);
            if (settings.LatencyCheck is { } count) CheckLatency(backend, latency, count);
            return CliApp.Success;
        }
        AnsiConsole.Write(table);
        return CliApp.Success;
    }

    /// <summary>The cached table for this machine and shape set, or a new measurement (saved to the cache).</summary>
    private static LatencyTable LatencyTableFor(Parsec.Autodiff.IBackend backend, CostShape shape, LatencySettings settings, string folder, bool remeasure)
    {
        string machine = LatencyMeasurement.Machine(backend);
        if (!remeasure && LatencyTable.Load(folder, machine, shape, settings.Batch) is { } cached)
        {
            AnsiConsole.MarkupLineInterpolated($"latency table: cached in {LatencyTable.CachePath(folder, machine, shape, settings.Batch)}");
            return cached;
        }
        AnsiConsole.MarkupLineInterpolated($"latency table: measuring every op at every position on {machine} (once for this machine and shape set)");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var measured = LatencyMeasurement.MeasureTable(backend, shape, settings, (done, total) =>
        {
            if (done % 10 == 0 || done == total) AnsiConsole.MarkupLineInterpolated($"  {done}/{total} measured");
        });
        measured.Save(folder);
        double spread = Reports.Statistics.Median(measured.Ops.Select(o => o.Spread).ToList());
        AnsiConsole.MarkupLineInterpolated($"latency table: {measured.Ops.Count} op positions in {clock.Elapsed.TotalSeconds:0} s (median spread {100 * spread:0} %), saved in {LatencyTable.CachePath(folder, machine, shape, settings.Batch)}");
        return measured;
    }

    /// <summary>Predicted against measured whole-network latency for <paramref name="count"/> random genotypes (seed 0, distinct inputs per node).</summary>
    private static void CheckLatency(Parsec.Autodiff.IBackend backend, LatencyTable latency, int count)
    {
        var settings = new LatencySettings(latency.Batch);
        var rows = new Table().AddColumns("random genotype", "predicted ms", "measured ms", "spread", "error");
        var errors = new List<double>();
        int i = 0;
        foreach (var genotype in Study.RandomGenotypes.Sample(count, 0, Prior.TermInputs.DistinctPerNode, latency.Shape.Space))
        {
            double predicted = latency.Predict(genotype);
            var measured = LatencyMeasurement.Network(backend, genotype, latency.Shape, settings);
            double error = (predicted - measured.MedianMs) / measured.MedianMs;
            errors.Add(Math.Abs(error));
            rows.AddRow($"random-{++i}", $"{predicted:0.00}", $"{measured.MedianMs:0.00}", $"{100 * measured.Spread:0} %", $"{100 * error:+0.0;-0.0} %");
        }
        AnsiConsole.Write(rows);
        AnsiConsole.MarkupLineInterpolated($"within 15 % of measured: {errors.Count(e => e <= 0.15)} of {count}; median absolute error {100 * Reports.Statistics.Median(errors):0.0} %");
    }

    private static (Genotype Genotype, CostShape Shape, string Source) Resolve(Settings settings)
    {
        var defaults = CostShape.DartsCifar10;
        Genotype genotype;
        string source = settings.Genotype;
        if (Directory.Exists(settings.Genotype))
        {
            var run = new RunFolder(settings.Genotype);
            if (!File.Exists(run.Genotype)) throw new BadInputException($"{settings.Genotype} holds no genotype.json: not a finished search run folder");
            genotype = Genotype.Load(run.Genotype);
            if (File.Exists(run.Options))
            {
                var options = OptionsFile.Read(run.Options);
                // The images' channels and the classes are the dataset's, which the options name.
                defaults = Loop.SearchSession.CostShapeOf(options, Loop.SearchRunner.LoadDataset(options));
            }
        }
        else genotype = PublishedGenotypes.Resolve(settings.Genotype);
        var shape = new CostShape(settings.Channels ?? defaults.Channels, settings.Layers ?? defaults.Layers, settings.ImageSize ?? defaults.ImageSide,
            settings.InputChannels ?? defaults.InputChannels, settings.Classes ?? defaults.Classes) { Space = genotype.Space };
        shape.Validate();
        return (genotype, shape, source);
    }
}
