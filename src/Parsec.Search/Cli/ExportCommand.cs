using System.ComponentModel;
using Parsec.Search.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli;

/// <summary>`parsec export`: trained weights as an ONNX model that any ONNX runtime can serve.</summary>
public sealed class ExportCommand : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<WEIGHTS>")]
        [Description("weights.safetensors or checkpoint.safetensors written by `parsec train`, or its run folder.")]
        public string Weights { get; init; } = "";

        [CommandOption("--onnx <FILE>")]
        [Description("The ONNX model to write (opset 17, batch size symbolic, genotype, normalisation and class names as metadata).")]
        public string? Onnx { get; init; }

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Onnx) ? ValidationResult.Error("--onnx <FILE> is required: the ONNX model to write")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string onnx = settings.Onnx!;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(onnx));
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"--onnx {onnx}: the folder {folder} does not exist");
        string weights = OnnxExporter.ExportWeights(settings.Weights, onnx);
        AnsiConsole.MarkupLineInterpolated($"{weights} -> [bold]{onnx}[/] ({new FileInfo(onnx).Length / 1024.0:0.0} KiB, ONNX opset {OnnxExporter.Opset})");
        AnsiConsole.MarkupLineInterpolated(
            $"input '{OnnxExporter.InputName}' ({OnnxExporter.BatchDimension}, C, H, W) normalised as in training; output '{OnnxExporter.OutputName}' ({OnnxExporter.BatchDimension}, classes)");
        AnsiConsole.MarkupLineInterpolated($"metadata: {string.Join(", ", ModelInfo.Keys)}");
        return CliApp.Success;
    }
}
