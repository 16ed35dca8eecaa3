using System.ComponentModel;
using Parsec.Search.Memory;
using Parsec.Search.Model;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>
/// `parsec memory`: the memory of one training step for a configuration, PARSEC's sampled architecture next to
/// a network of one architecture and DARTS' supernet, computed from the same network code on the shape-only
/// backend (nothing runs, so any size can be asked for).
/// </summary>
internal sealed class MemoryCommand : Command<MemoryCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--channels <C>")] [DefaultValue(16)] [Flags.Within(2, 1024)] public int Channels { get; init; } = 16;
        [CommandOption("--layers <L>")] [DefaultValue(8)] [Flags.Within(1, 100)] public int Layers { get; init; } = 8;
        [CommandOption("--batch-size <N>")] [DefaultValue(64)] [Flags.Within(2, 65536)] public int BatchSize { get; init; } = 64;
        [CommandOption("--image-size <PIXELS>")] [DefaultValue(32)] [Flags.Within(1, 4096)] public int ImageSize { get; init; } = 32;
        [CommandOption("--input-channels <N>")] [DefaultValue(3)] [Flags.Within(1, 64)] public int InputChannels { get; init; } = 3;
        [CommandOption("--classes <N>")] [DefaultValue(10)] [Flags.Within(2, 100000)] public int Classes { get; init; } = 10;
        [CommandOption("--samples <N>")] [Description("Sampled architectures the sampled cases take the largest of.")] [DefaultValue(8)] [Flags.Within(1, 1000)] public int Samples { get; init; } = 8;
        [CommandOption("--seed <SEED>")] [DefaultValue(0UL)] public ulong Seed { get; init; }
        [CommandOption("-k|--iteration-samples <K>")] [Description("Samples of one search iteration, for the iteration's figure.")] [DefaultValue(16)] [Flags.Within(1, 4096)] public int IterationSamples { get; init; } = 16;
        [CommandOption("--concurrency <N>")] [Description("Samples in flight at once (the search's --concurrency), for the iteration's figure.")] [DefaultValue(1)] [Flags.Within(1, 1024)] public int Concurrency { get; init; } = 1;
        [CommandOption("--out <FOLDER>")] [Description("Also write memory.json and memory.txt into FOLDER.")] public string? Out { get; init; }

        public FootprintConfiguration ToConfiguration() => new(
            new NetworkOptions { Channels = Channels, Layers = Layers, Classes = Classes, InputChannels = InputChannels },
            BatchSize, ImageSize, Samples, Seed, IterationSamples, Concurrency);

        public override ValidationResult Validate()
        {
            // The ranges first: the network's own checks below speak of channels and cells, not of the flags.
            try { Flags.FlagRanges.Check(this); }
            catch (BadInputException e) { return ValidationResult.Error(e.Message); }
            try { ToConfiguration().Network.Validate(); }
            catch (BadInputException e) { return ValidationResult.Error(e.Message); }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var configuration = settings.ToConfiguration();
        var footprints = MemoryFootprint.Compare(configuration);
        var table = new Table().Title($"memory of one training step (MiB): {MemoryReport.Describe(configuration)}").AddColumn("");
        foreach (var f in footprints) table.AddColumn(new TableColumn(MemoryReport.Title(f.Case)).RightAligned());
        foreach (var (label, values) in MemoryReport.Table(footprints))
            table.AddRow([label, .. values.Select(v => v.ToString("0.00"))]);
        table.Caption($"sampled cases: the largest of {configuration.SampledArchitectures} uniformly sampled architectures; step peak from the tape's buffer lifetimes");
        AnsiConsole.Write(table);
        var (total, step) = MemoryReport.SupernetRatio(footprints);
        AnsiConsole.MarkupLineInterpolated($"DARTS supernet / PARSEC sampled: [bold]{total:0.00}x[/] in total, {step:0.00}x per-step peak");
        AnsiConsole.WriteLine(MemoryReport.IterationLine(configuration, footprints));
        AnsiConsole.WriteLine(MemoryReport.WorkspaceLine());
        if (settings is { Channels: 16, Layers: 8, BatchSize: 64, ImageSize: 32 })
            AnsiConsole.MarkupLine("reference, not measured here: PyTorch 2.11 on an H100, 2026-11-27 (allocator peak; bench/README.md): sampled 962 MiB, supernet 6067 MiB, 6.3x");
        if (settings.Out is not null)
        {
            Directory.CreateDirectory(settings.Out);
            MemoryReport.Write(Path.Combine(settings.Out, "memory.json"), Path.Combine(settings.Out, "memory.txt"), configuration, footprints);
            AnsiConsole.MarkupLineInterpolated($"wrote memory.json and memory.txt in {settings.Out}");
        }
        return CliApp.Success;
    }
}
