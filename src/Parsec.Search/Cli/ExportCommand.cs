using System.ComponentModel;
using Parsec.Search.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec export`: trained weights as an ONNX model that any ONNX runtime can serve.</summary>
internal sealed class ExportCommand : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<WEIGHTS>")]
        [Description("weights.safetensors or checkpoint.safetensors written by `parsec train`, or its run folder.")]
        public string Weights { get; init; } = "";

        [CommandOption("--onnx <FILE>")]
        [Description("The ONNX model to write (opset 17, batch size symbolic, genotype, normalisation and class names as metadata).")]
        public string? Onnx { get; init; }

        [CommandOption("--force")]
        [Description("Replace the --onnx file when it exists (without it, an existing file is refused).")]
        public bool Force { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Onnx) ? ValidationResult.Error("--onnx <FILE> is required: the ONNX model to write")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string onnx = settings.Onnx!;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(onnx));
        if (folder is not null && !Directory.Exists(folder))
            throw new BadInputException($"--onnx {onnx}: the folder {folder} does not exist");
        if (Directory.Exists(onnx)) throw new BadInputException($"--onnx {onnx}: is a folder; name the model file to write");
        if (File.Exists(onnx) && !settings.Force) throw new BadInputException($"--onnx {onnx}: the file exists; give --force to replace it");
        string weights;
        // The model is written to a temporary file beside the target, then renamed: a failure names the target, not that file.
        try { weights = OnnxExporter.ExportWeights(settings.Weights, onnx); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"--onnx {onnx}: cannot write the model in {folder} ({e.GetType().Name})", e);
        }
        AnsiConsole.MarkupLineInterpolated($"{weights} -> [bold]{onnx}[/] ({new FileInfo(onnx).Length / 1024.0:0.0} KiB, ONNX opset {OnnxExporter.Opset})");
        AnsiConsole.MarkupLineInterpolated(
            $"input '{OnnxExporter.InputName}' ({OnnxExporter.BatchDimension}, C, H, W) normalised as in training; output '{OnnxExporter.OutputName}' ({OnnxExporter.BatchDimension}, classes)");
        AnsiConsole.MarkupLineInterpolated($"metadata: {string.Join(", ", ModelInfo.Keys)}");
        return CliApp.Success;
    }
}
