using System.ComponentModel;
using System.Globalization;
using Parsec.Search.Cost;
using Parsec.Search.Space;
using Parsec.Search.Training;
using Spectre.Console;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec cost GENOTYPE`: the exact parameters and multiply-adds of a genotype's evaluation network at given sizes,
/// counted from the network code on the shape-only backend. A search run folder gives its genotype and, unless a
/// flag says otherwise, its own network sizes; anything else is priced at DARTS' CIFAR-10 evaluation sizes.
/// </summary>
public sealed class CostCommand : Command<CostCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<GENOTYPE>")]
        [Description("A published genotype (DARTS_V1, DARTS_V2), a genotype JSON file, or a search run folder (its genotype.json and sizes).")]
        public string Genotype { get; init; } = "";

        [CommandOption("--channels <C>")] [Description("Initial channels C (default: the run's, else 36).")] [Flags.Within(2, 1024)] public int? Channels { get; init; }
        [CommandOption("--layers <L>")] [Description("Cells (default: the run's, else 20).")] [Flags.Within(1, 100)] public int? Layers { get; init; }
        [CommandOption("--image-size <PIXELS>")] [Description("Image side (default: the run's, else 32).")] [Flags.Within(1, 4096)] public int? ImageSize { get; init; }
        [CommandOption("--input-channels <N>")] [Description("Image channels (default: the run's dataset's, else 3).")] [Flags.Within(1, 64)] public int? InputChannels { get; init; }
        [CommandOption("--classes <N>")] [Description("Classes (default: the run's dataset's, else 10).")] [Flags.Within(2, 100000)] public int? Classes { get; init; }
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
        AnsiConsole.Write(table);
        return CliApp.Success;
    }

    private static (Genotype Genotype, CostShape Shape, string Source) Resolve(Settings settings)
    {
        var defaults = CostShape.DartsCifar10;
        Genotype genotype;
        string source = settings.Genotype;
        if (Directory.Exists(settings.Genotype))
        {
            var run = new RunFolder(settings.Genotype);
            if (!File.Exists(run.Genotype)) throw new FileNotFoundException($"{settings.Genotype} holds no genotype.json: not a finished search run folder", run.Genotype);
            genotype = Genotype.Load(run.Genotype);
            if (File.Exists(run.Options))
            {
                var options = OptionsFile.Read(run.Options);
                // The images' channels and the classes are the dataset's, which the options name.
                var images = Loop.SearchRunner.LoadDataset(options);
                defaults = new CostShape(options.Channels, options.Layers, images.Height, images.Channels, images.Classes);
            }
        }
        else genotype = PublishedGenotypes.Resolve(settings.Genotype);
        var shape = new CostShape(settings.Channels ?? defaults.Channels, settings.Layers ?? defaults.Layers, settings.ImageSize ?? defaults.ImageSide,
            settings.InputChannels ?? defaults.InputChannels, settings.Classes ?? defaults.Classes);
        shape.Validate();
        return (genotype, shape, source);
    }
}
