using Parsec.Search.Data.Pipeline;
using System.ComponentModel;
using Parsec.Search.Data;
using Parsec.Search.Data.Files;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec data`: loads a dataset with every check its format has (a corrupt or truncated file is reported,
/// never read as pixels) and prints what is in it: images per class, per-channel mean and std, image size.
/// </summary>
internal sealed class DataCommand : Command<DataCommand.Settings>
{
    public sealed class Settings : Console.DatasetSettings
    {
        [CommandArgument(0, "[FOLDER]")]
        [Description("Dataset folder to verify; its format is detected from its files unless --format is given.")]
        public string? Folder { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("cifar10, cifar100, mnist, fashion-mnist or image-folder.")]
        public string? Format { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        DatasetSplits data;
        if (settings.Folder is not null)
        {
            var format = settings.Format is null ? DatasetSplitsLoader.Detect(settings.Folder) : DatasetFormats.Parse(settings.Format);
            AnsiConsole.MarkupLineInterpolated($"[bold]{settings.Folder}[/]: {format.CliName()} format{(settings.Format is null ? " (detected)" : "")}");
            data = DatasetSplitsLoader.LoadFolder(settings.Folder, format, settings.ImageSize, settings.Coarse);
        }
        else
        {
            data = DatasetSplitsLoader.Load(settings.ToSpec());
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]{data.Dataset}[/] from {data.Source}: images {data.Channels}x{data.Height}x{data.Width}, {data.Classes} classes");
        foreach (var set in new[] { data.Train, data.Test })
            Print(DatasetStatistics.Compute(set));
        AnsiConsole.MarkupLine("[green]all files passed their checks[/]");
        return 0;
    }

    private static void Print(DatasetStatistics s)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{s.Name}[/]: {s.Count} images, pixel range [[{s.Min:0.###}, {s.Max:0.###}]]");
        var channels = new Table().AddColumns("channel", "mean", "std");
        for (int c = 0; c < s.Channels; c++) channels.AddRow(c.ToString(), s.Mean[c].ToString("0.0000"), s.Std[c].ToString("0.0000"));
        AnsiConsole.Write(channels);
        var classes = new Table().AddColumns("class", "name", "images", "share");
        for (int c = 0; c < s.PerClass.Length; c++)
            classes.AddRow(c.ToString(), Markup.Escape(s.ClassNames[c]), s.PerClass[c].ToString(), $"{100.0 * s.PerClass[c] / s.Count:0.0} %");
        AnsiConsole.Write(classes);
    }
}
