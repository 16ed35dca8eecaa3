using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Training;
using Parsec.Search.Flags;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec evaluate`: top-1, top-5 (with more than 5 classes) and per-class accuracy of trained weights on a test set.</summary>
internal sealed partial class EvaluateCommand : Command<EvaluateCommand.Settings>
{
    [FlagsOf(typeof(BackendFlags))]
    public sealed partial class Settings : Console.DatasetSettings
    {
        [CommandArgument(0, "<WEIGHTS>")]
        [Description("weights.safetensors or checkpoint.safetensors written by `parsec train`, or its run folder.")]
        public string Weights { get; init; } = "";

        [CommandOption("--batch-size <N>")]
        [Description("Evaluation batch size (default: the training batch size).")]
        [Flags.Within(1, 65536)]
        public int? BatchSize { get; init; }

    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var backend = Backends.Create(settings.Backend, settings.Precision, out string why);
        AnsiConsole.MarkupLineInterpolated($"backend: {backend.Name} ({why})");
        // Without dataset options the test set is the one the weights were trained on, as recorded in the file.
        bool chosen = settings.Dataset is not null || settings.DataDir is not null;
        var data = chosen ? DatasetSplitsLoader.Load(settings.ToSpec(fallback: null)) : null;
        var r = WeightsEvaluation.Evaluate(backend, settings.Weights, data, settings.BatchSize, topK: 5, cancellationToken);
        var t = r.Tally;
        AnsiConsole.MarkupLineInterpolated($"{r.WeightsPath}: genotype {r.Record.Genotype(r.WeightsPath)}, trained {r.Record.EpochsCompleted} epochs");
        AnsiConsole.MarkupLineInterpolated($"{r.Dataset} test set, {t.Count} images: [bold]top-1 {100 * t.Top1Accuracy:0.00} %[/], loss {t.MeanLoss:0.0000}");
        if (t.Classes > 5) AnsiConsole.MarkupLineInterpolated($"top-{t.TopK} {100 * t.TopKAccuracy:0.00} %");
        var table = new Table().AddColumns("class", "name", "images", "top-1");
        for (int c = 0; c < t.Classes; c++)
            table.AddRow(c.ToString(), Markup.Escape(r.ClassNames[c]), t.ClassTotal(c).ToString(),
                t.ClassTotal(c) == 0 ? "-" : $"{100 * t.ClassAccuracy(c):0.00} %");
        AnsiConsole.Write(table);
        return 0;
    }
}
