using System.Globalization;
using System.ComponentModel;
using Parsec.Autodiff;
using Parsec.Search.Predict;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec predict`: the most likely classes of image files, from trained weights or an exported ONNX model.</summary>
internal sealed class PredictCommand : Command<PredictCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<MODEL>")]
        [Description("weights.safetensors (or its run folder) written by `parsec train`, or a .onnx model written by `parsec export` (run by ONNX Runtime).")]
        public string Model { get; init; } = "";

        [CommandArgument(1, "<IMAGES>")]
        [Description("Image files (PNG, JPEG, ...) or folders of them.")]
        public string[] Images { get; init; } = [];

        [CommandOption("--top <K>")]
        [Description("How many classes to list per image.")]
        [DefaultValue(5)]
        [Flags.Within(1, 100000)]
        public int Top { get; init; } = 5;

        [CommandOption("--out <CSV>")]
        [Description("Also write the predictions to this CSV file (file, class_1, probability_1, ..., error).")]
        public string? Out { get; init; }

        [CommandOption("--logits")]
        [Description("Also give every class's logit (the raw score before the softmax, for ensembling or calibration): a column per class in the table and, with --out, logit_CLASS columns in the CSV.")]
        public bool Logits { get; init; }

        [CommandOption("--batch-size <N>")]
        [DefaultValue(32)]
        [Flags.Within(1, 65536)]
        public int BatchSize { get; init; } = 32;

        [CommandOption("--backend <BACKEND>")]
        [Description("auto, cpu or cuda. For weights files: auto picks CUDA when a usable GPU is present, else the CPU. ONNX models run on ONNX Runtime's CPU provider.")]
        [DefaultValue(BackendChoice.Auto)]
        public BackendChoice Backend { get; init; } = BackendChoice.Auto;

        public override ValidationResult Validate() =>
            Images.Length == 0 ? ValidationResult.Error("name at least one image file or folder after the model")
            : ValidationResult.Success();
    }

    public static bool IsOnnx(string path) => Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = PredictionImage.Expand(settings.Images);
        IBackend? backend = null;
        try
        {
            IImageClassifier model;
            if (IsOnnx(settings.Model)) model = OnnxClassifier.Load(settings.Model);
            else
            {
                backend = Backends.Create(settings.Backend, out _);
                model = ParsecClassifier.Load(backend, settings.Model);
            }
            using (model)
            {
                var info = model.Info;
                int topK = Math.Min(settings.Top, info.ClassNames.Length);
                AnsiConsole.MarkupLineInterpolated(
                    $"{settings.Model}: {info.ImageShape[0]}x{info.ImageShape[1]}x{info.ImageShape[2]} images, {info.ClassNames.Length} classes, run by {model.Engine}; {files.Count} file(s)");
                var predictions = Predictor.Run(model, files, topK, settings.BatchSize, cancellationToken);
                Print(predictions, settings.Logits ? info.ClassNames : null);
                if (settings.Out is { } csv)
                {
                    PredictionsCsv.Write(csv, predictions, topK, settings.Logits ? info.ClassNames : null);
                    AnsiConsole.MarkupLineInterpolated($"predictions written to {csv}");
                }
                int failed = predictions.Count(p => p.Failed);
                if (failed == 0) return CliApp.Success;
                AnsiConsole.MarkupLineInterpolated($"[red]{failed} of {predictions.Count} file(s) could not be read[/]; the others were predicted");
                return CliApp.UsageError;
            }
        }
        finally { backend?.Dispose(); }
    }

    private static void Print(IReadOnlyList<ImagePrediction> predictions, IReadOnlyList<string>? logitsOf)
    {
        // The logits share one column ("name value" pairs) so that ten or a hundred classes wrap instead of squeezing the table.
        var table = logitsOf is null ? new Table().AddColumns("file", "prediction") : new Table().AddColumns("file", "prediction", "logits");
        foreach (var p in predictions)
        {
            var prediction = p.Failed ? new Markup($"[red]error:[/] {Markup.Escape(p.Error!)}") : (Spectre.Console.Rendering.IRenderable)new Text(string.Join("  ", p.Top.Select(s => $"{s.Name} {100 * s.Probability:0.0}%")));
            if (logitsOf is null) table.AddRow(new Text(p.File), prediction);
            else table.AddRow(new Text(p.File), prediction,
                new Text(p.Logits is { } l ? string.Join("  ", logitsOf.Select((name, c) => $"{name} {l[c].ToString("0.000", CultureInfo.InvariantCulture)}")) : ""));
        }
        AnsiConsole.Write(table);
    }
}
