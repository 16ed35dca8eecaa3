using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Bench;
using Parsec.Search.Cli.Console;
using Parsec.Search.Flags;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>Which reference measurement to reproduce.</summary>
internal enum BenchmarkChoice
{
    /// <summary>The GPU case on CUDA, the CPU case otherwise.</summary>
    Auto,
    Cpu,
    Gpu,
    /// <summary>A whole PARSEC iteration of K samples (K = 16, C = 16, 8 cells, batch 64 on CUDA; K = 4, C = 8, 5 cells, batch 32 on the CPU).</summary>
    Iteration,
    /// <summary>`parsec train`'s step on DARTS_V2 at its default (GPU) size.</summary>
    Eval,
    /// <summary>`parsec train`'s step on DARTS_V2 at a CPU size.</summary>
    EvalCpu,
}

/// <summary>
/// `parsec bench`: the median time of a training step after warm-up, in rounds alternating with PyTorch (BenchTrust says when the figures cannot be believed), of a sampled DARTS search network or (the
/// eval cases) of `parsec train`'s DARTS_V2 network. When a Python with PyTorch is found, PyTorch's time for the same
/// case is measured in the same invocation and the ratio printed; otherwise the stored PyTorch figures are shown with
/// where and when they were taken, as not measured here. CPU case: batch 32, C=8, 5 cells, 32x32x3; GPU case: batch
/// 64, C=16, 8 cells; eval: C=36, 20 cells, batch 96, auxiliary head, drop path 0.2; evalcpu: C=16, 8 cells, batch 64.
/// </summary>
internal sealed partial class BenchCommand : Command<BenchCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    public sealed partial class Settings : CommandSettings
    {

        [CommandOption("--case <CASE>")]
        [Description("auto, cpu, gpu, iteration, eval or evalcpu. cpu (C=8, 5 cells, batch 32) or gpu (C=16, 8 cells, batch 64), a sampled search step; auto picks by backend. iteration: a whole search iteration of K samples (sized by backend). eval: a `parsec train` step on DARTS_V2 (C=36, 20 cells, batch 96, auxiliary head, drop path 0.2); evalcpu: the same at C=16, 8 cells, batch 64, no auxiliary head or drop path.")]
        [DefaultValue(BenchmarkChoice.Auto)]
        public BenchmarkChoice Case { get; init; } = BenchmarkChoice.Auto;

        [CommandOption("--steps <N>")] [Description("Timed steps (default: the case's).")] [Flags.Within(1, 100000)] public int? Steps { get; init; }
        [CommandOption("--warmup <N>")] [Description("Untimed steps first (default: the case's).")] [Flags.Within(0, 100000)] public int? Warmup { get; init; }

        [CommandOption("--rounds <N>")]
        [Description("Rounds that alternate Parsec and PyTorch, each with its own warm-up and a share of the timed steps; the times are medians over rounds, the ratio is the geometric mean of the rounds' ratios, and its standard error over rounds says whether the machine was steady.")]
        [DefaultValue(5)]
        [Flags.Within(1, 100)]
        public int Rounds { get; init; } = 5;

        [CommandOption("--python <PATH>")]
        [Description("The Python with PyTorch that runs the reference (default: python3 on PATH, then /usr/bin/python3, whichever imports torch).")]
        public string? Python { get; init; }

        [CommandOption("--no-pytorch")]
        [Description("Do not run PyTorch; show the stored figures instead.")]
        public bool NoPyTorch { get; init; }

        public override ValidationResult Validate() =>
            NoPyTorch && Python is not null ? ValidationResult.Error("--python and --no-pytorch contradict each other")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var backend = BackendSelection.Create(settings.ApplyFlags(new BackendFlags()));
        string? python = null;
        string why = "--no-pytorch";
        if (!settings.NoPyTorch)
        {
            python = PyTorchReference.FindPython(settings.Python, out why);
            if (python is null && settings.Python is not null) throw new BadInputException($"--python {settings.Python}: {why}");
        }
        if (settings.Case == BenchmarkChoice.Iteration) return Iteration(settings, backend, python, why);
        var chosen = settings.Case switch
        {
            BenchmarkChoice.Cpu => BenchmarkCase.Cpu,
            BenchmarkChoice.Gpu => BenchmarkCase.Gpu,
            BenchmarkChoice.Eval => BenchmarkCase.Eval,
            BenchmarkChoice.EvalCpu => BenchmarkCase.EvalCpu,
            _ => backend.Kind == BackendKind.Cuda ? BenchmarkCase.Gpu : BenchmarkCase.Cpu,
        };
        chosen = chosen with { Steps = settings.Steps ?? chosen.Steps, Warmup = settings.Warmup ?? chosen.Warmup };
        int rounds = settings.Rounds;
        var perRound = chosen with { Steps = AlternatingRounds.StepsPerRound(chosen.Steps, rounds) };
        string device = backend.Kind == BackendKind.Cuda ? "cuda" : "cpu";

        AnsiConsole.MarkupLineInterpolated(
            $"case {chosen.Name}: {(chosen.Evaluation ? $"DARTS_V2 evaluation network{(chosen.Auxiliary ? ", auxiliary head" : "")}, drop path {chosen.DropPath}, " : "")}C={chosen.Channels}, {chosen.Layers} cells, batch {chosen.BatchSize}, 3x{chosen.ImageSize}x{chosen.ImageSize}; {rounds} rounds of {chosen.Warmup} warm-up + {perRound.Steps} timed steps");
        if (python is not null)
            AnsiConsole.MarkupLineInterpolated($"PyTorch reference: {why}; the same case on {device}, {Environment.ProcessorCount} threads, in turn with parsec");
        var measured = AlternatingRounds.Run(rounds,
            round => StepBenchmark.Run(backend, perRound, (step, ms) =>
                AnsiConsole.MarkupLineInterpolated($"  {RoundName(round)} parsec step {step + 1}{(step < chosen.Warmup ? " (warm-up)" : "")}: {ms:0.0} ms")),
            python is null ? null : round =>
            {
                var torch = PyTorchReference.Run(python, perRound, device, Environment.ProcessorCount, TimeSpan.FromMinutes(20));
                AnsiConsole.MarkupLineInterpolated($"  round {round + 1} PyTorch: median {torch.MedianMs:0.0} ms");
                return torch;
            });
        var (median, min) = measured.ParsecOverRounds;
        var result = measured.Parsec[0] with { MedianMs = median, MinMs = min };
        var torchResult = measured.TorchOverRounds;

        Print(result, backend, torchResult);
        if (torchResult is null)
        {
            PrintTrust(measured, backend);
            PrintStored(chosen, why);
            return CliApp.Success;
        }
        bool trusted = PrintTrust(measured, backend);
        var (ratio, error) = BenchTrust.OverRounds(measured.Figure.PerRound);
        AnsiConsole.MarkupLineInterpolated($"time ratio parsec / PyTorch, measured here in this run{(trusted ? "" : " (see the warning)")}: [bold]{ratio:0.00}x[/] ± {100 * error:0} % (below 1 is faster)");
        if (torchResult.Parameters != result.Parameters)
            AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] the two networks have different parameter counts ({result.Parameters} and {torchResult.Parameters}): they are not the same network");
        return CliApp.Success;
    }

    private static string RoundName(int round) => round == AlternatingRounds.WarmUpRound ? "untimed round" : $"round {round + 1}";

    /// <summary>
    /// The round medians, the threads, the load average and the other processes' share of the CPU, then a warning
    /// when any of them says the figures are not trustworthy. True when none does.
    /// </summary>
    private static bool PrintTrust<T>(RoundsResult<T> measured, IBackend backend) where T : IRoundTiming
    {
        var sides = measured.Sides;
        foreach (var (side, medians) in sides)
            AnsiConsole.MarkupLineInterpolated($"{side} round medians: {string.Join(", ", medians.Select(m => $"{m:0.0}"))} ms (spread {100 * BenchTrust.Spread(medians):0} %)");
        var (figure, perRound) = measured.Figure;
        var (mean, error) = BenchTrust.OverRounds(perRound);
        if (sides.Count > 1)
            AnsiConsole.MarkupLineInterpolated($"parsec / PyTorch round by round: {string.Join(", ", perRound.Select(r => $"{r:0.00}"))} (geometric mean {mean:0.00}, standard error {100 * error:0} %)");
        int cores = Environment.ProcessorCount;
        AnsiConsole.MarkupLineInterpolated($"threads: parsec {cores}{(sides.Count > 1 ? $", PyTorch {cores}" : "")}");
        if (measured.Before?.LoadAverage is { } before && measured.After?.LoadAverage is { } after)
            AnsiConsole.MarkupLineInterpolated($"load average (1 min): {before:0.00} before, {after:0.00} after, on {cores} cores");
        if (measured.OtherCores is { } others)
            AnsiConsole.MarkupLineInterpolated($"other processes used {others:0.00} cores on average while it ran");
        var doubts = BenchTrust.Doubts(figure, perRound, measured.OtherCores, cores, backend.Kind == BackendKind.Cuda);
        if (doubts.Count == 0) return true;
        AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] these figures are not trustworthy: {string.Join("; ", doubts)}. Rerun on an idle machine (more --rounds narrow the error).");
        return false;
    }

    /// <summary>One search iteration of K samples, next to PyTorch running the same iteration one sample after another.</summary>
    private static int Iteration(Settings settings, IBackend backend, string? python, string why)
    {
        var c = backend.Kind == BackendKind.Cuda ? IterationCase.Gpu : IterationCase.Cpu;
        c = c with { Iterations = settings.Steps ?? c.Iterations, Warmup = settings.Warmup ?? c.Warmup };
        int rounds = settings.Rounds;
        var perRound = c with { Iterations = AlternatingRounds.StepsPerRound(c.Iterations, rounds) };
        string device = backend.Kind == BackendKind.Cuda ? "cuda" : "cpu";
        AnsiConsole.MarkupLineInterpolated(
            $"case {c.Name}: K={c.Samples}, C={c.Channels}, {c.Layers} cells, batch {c.BatchSize}, 3x{c.ImageSize}x{c.ImageSize}; {rounds} rounds of {c.Warmup} warm-up + {perRound.Iterations} timed iterations");
        if (python is not null)
            AnsiConsole.MarkupLineInterpolated($"PyTorch reference: {why}; the same iteration on {device}, samples one after another, in turn with parsec");
        var measured = AlternatingRounds.Run(rounds,
            round => IterationBenchmark.Run(backend, perRound, (i, ms) =>
                AnsiConsole.MarkupLineInterpolated($"  {RoundName(round)} parsec iteration {i + 1}{(i < c.Warmup ? " (warm-up)" : "")}: {ms:0.0} ms")),
            python is null ? null : round => PyTorchReference.Run(python, perRound, device, Environment.ProcessorCount, TimeSpan.FromMinutes(20)));
        var (median, min) = measured.ParsecOverRounds;
        var result = measured.Parsec[0] with { MedianMs = median, MinMs = min };
        var torch = measured.TorchOverRounds;
        var table = new Table().AddColumns("", "median ms/iteration", "min ms", "architectures/s", "peak MiB", "launches/iteration");
        table.AddRow($"parsec ({backend.Name}, {BackendSelection.Name(backend.Precision)})", $"{result.MedianMs:0.0}", $"{result.MinMs:0.0}",
            $"{c.Samples / (result.MedianMs / 1000):0.0}", $"{measured.Parsec.Max(r => r.PeakMib):0}", result.LaunchesPerIteration is { } l ? $"{l:0}" : "");
        if (torch is not null)
            table.AddRow(Markup.Escape($"PyTorch {torch.Torch} ({torch.Device}, {torch.Threads} threads)"), $"{torch.MedianMs:0.0}", $"{torch.MinMs:0.0}",
                $"{c.Samples / (torch.MedianMs / 1000):0.0}", torch.PeakMib is { } p ? $"{p:0}" : "", "");
        AnsiConsole.Write(table);
        bool trusted = PrintTrust(measured, backend);
        var (ratio, error) = BenchTrust.OverRounds(measured.Figure.PerRound);
        if (torch is not null)
            AnsiConsole.MarkupLineInterpolated($"PyTorch / parsec time per iteration, measured here in this run{(trusted ? "" : " (see the warning)")}: [bold]{1 / ratio:0.00}x[/] ± {100 * error:0} % (above 1: parsec is faster)");
        else
            AnsiConsole.MarkupLineInterpolated($"PyTorch was not run ({why}), so there is no ratio.");
        return CliApp.Success;
    }

    private static void Print(BenchmarkResult result, IBackend backend, PyTorchMeasurement? torch)
    {
        var table = new Table().AddColumns("", "median ms/step", "min ms/step", "first step ms", "peak MiB", "parameters");
        table.AddRow($"parsec ({backend.Name})", $"{result.MedianMs:0.0}", $"{result.MinMs:0.0}", $"{result.FirstStepMs:0}", $"{result.PeakMib:0}",
            $"{result.Parameters / 1e6:0.000} M");
        if (torch is not null)
            table.AddRow(Markup.Escape($"PyTorch {torch.Torch} ({torch.Device}, {torch.Threads} threads)"), $"{torch.MedianMs:0.0}", $"{torch.MinMs:0.0}",
                double.IsNaN(torch.FirstStepMs) ? "" : $"{torch.FirstStepMs:0}", "", $"{torch.Parameters / 1e6:0.000} M");
        AnsiConsole.Write(table);
    }

    private static void PrintStored(BenchmarkCase chosen, string why)
    {
        AnsiConsole.MarkupLineInterpolated($"PyTorch was not run ({why}), so there is no ratio. Pass --python <PATH> to a python3 with torch (Debian: apt-get install python3-torch).");
        var stored = StoredReference.For(chosen.Name);
        if (stored is null) return;
        AnsiConsole.MarkupLineInterpolated($"[bold]Stored PyTorch figures for {chosen.Name}, NOT measured here[/] (other machines, other days; for scale only):");
        var table = new Table().AddColumns("date", "machine", "software", "median ms/step", "peak MiB", "parsec there");
        foreach (var m in stored.Measurements)
            table.AddRow(Markup.Escape(m.Date), Markup.Escape(m.Machine), Markup.Escape(m.Software), StoredMeasurement.Range(m.MedianMs),
                m.PeakMib is { } mib ? $"{mib:0}" : "", m.ParsecMedianMsSameMachine is { } p ? $"{StoredMeasurement.Range(p)} ms" : "");
        AnsiConsole.Write(table);
    }
}
