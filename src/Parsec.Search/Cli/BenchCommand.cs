using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Bench;
using Parsec.Search.Cli.Console;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>Which reference measurement to reproduce.</summary>
public enum BenchmarkChoice
{
    /// <summary>The GPU case on CUDA, the CPU case otherwise.</summary>
    Auto,
    Cpu,
    Gpu,
}

/// <summary>
/// `parsec bench`: the median time of a training step of a sampled DARTS network after warm-up, printed next
/// to PyTorch's time for the same step (shared/anchors). CPU case: batch 32, C=8, 5 cells, 32x32x3; GPU case:
/// batch 64, C=16, 8 cells. Both are measured on whichever backend is selected.
/// </summary>
public sealed class BenchCommand : Command<BenchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--backend <auto|cpu|cuda>")]
        [DefaultValue(BackendChoice.Auto)]
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;

        [CommandOption("--case <auto|cpu|gpu>")]
        [Description("Reference case: cpu (C=8, 5 cells, batch 32) or gpu (C=16, 8 cells, batch 64); auto picks by backend.")]
        [DefaultValue(BenchmarkChoice.Auto)]
        public BenchmarkChoice Case { get; init; } = BenchmarkChoice.Auto;

        [CommandOption("--steps <N>")] [Description("Timed steps (default: the case's).")] public int? Steps { get; init; }
        [CommandOption("--warmup <N>")] [Description("Untimed steps first (default: the case's).")] public int? Warmup { get; init; }

        public override ValidationResult Validate() =>
            Steps is < 1 ? ValidationResult.Error($"--steps must be >= 1, got {Steps}")
            : Warmup is < 0 ? ValidationResult.Error($"--warmup must be >= 0, got {Warmup}")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var backend = BackendSelection.Create(settings.Backend);
        var chosen = settings.Case switch
        {
            BenchmarkChoice.Cpu => BenchmarkCase.Cpu,
            BenchmarkChoice.Gpu => BenchmarkCase.Gpu,
            _ => backend.Kind == BackendKind.Cuda ? BenchmarkCase.Gpu : BenchmarkCase.Cpu,
        };
        chosen = chosen with { Steps = settings.Steps ?? chosen.Steps, Warmup = settings.Warmup ?? chosen.Warmup };
        AnsiConsole.MarkupLineInterpolated(
            $"case {chosen.Name}: C={chosen.Channels}, {chosen.Layers} cells, batch {chosen.BatchSize}, 3x{chosen.ImageSize}x{chosen.ImageSize}; {chosen.Warmup} warm-up + {chosen.Steps} timed steps");
        var result = StepBenchmark.Run(backend, chosen, (step, ms) =>
            AnsiConsole.MarkupLineInterpolated($"  step {step + 1}{(step < chosen.Warmup ? " (warm-up)" : "")}: {ms:0.0} ms"));

        var (low, high) = chosen.ReferenceMs;
        var table = new Table().AddColumns("", "median ms/step", "min ms/step", "peak MiB", "parameters");
        table.AddRow($"parsec ({backend.Name})", $"{result.MedianMs:0.0}", $"{result.MinMs:0.0}", $"{result.PeakMib:0}", $"{result.Parameters / 1e6:0.000} M");
        table.AddRow($"PyTorch ({chosen.ReferenceSource})", low == high ? $"{low:0.0}" : $"{low:0}-{high:0}", "", chosen.ReferencePeakMib is { } mib ? $"{mib:0}" : "", "");
        AnsiConsole.Write(table);
        string ratio = low == high ? $"{result.MedianMs / low:0.00}x" : $"{result.MedianMs / high:0.00}x to {result.MedianMs / low:0.00}x";
        AnsiConsole.MarkupLineInterpolated($"time ratio parsec / PyTorch: {ratio} (below 1 is faster)");
        return CliApp.Success;
    }
}
