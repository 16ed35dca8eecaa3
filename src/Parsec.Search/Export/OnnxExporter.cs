using Google.Protobuf;
using Onnx;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Model;
using Parsec.Search.Reports;
using Parsec.Search.Training;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Export;

/// <summary>
/// Writes a fixed network in its inference form as an ONNX model (opset 17): input "images" (batch, C, H, W)
/// normalised as in training, output "logits" (batch, classes), the batch size symbolic. Batch norm uses
/// the running statistics; the auxiliary head and drop path, which act only in training, are left out.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;
    /// <summary>IR version 8 is the one that goes with opset 17 (ONNX's versioning table).</summary>
    public const long IrVersion = 8;
    public const string InputName = "images";
    public const string OutputName = "logits";
    public const string BatchDimension = "batch";

    public static ModelProto Build(Network network, ModelInfo info)
    {
        var architecture = network.FixedArchitecture
            ?? throw new ArgumentException("only a network built for one genotype can be exported; the shared search network holds every candidate");
        var options = network.Options;
        if (info.ImageShape.Length != 3 || info.ImageShape[0] != options.InputChannels || info.ClassNames.Length != options.Classes)
            throw new ArgumentException(
                $"the model information ({string.Join("x", info.ImageShape)} images, {info.ClassNames.Length} classes) does not fit the network ({options.InputChannels} channels, {options.Classes} classes)");

        var graph = new OnnxGraphBuilder("parsec_network");
        var layers = new OnnxLayerEmitter(graph, network.Parameters);
        var cells = new OnnxCellEmitter(layers);
        graph.Input(InputName, (int)TensorProto.Types.DataType.Float, [BatchDimension, .. info.ImageShape.Cast<object>()]);

        string stem = layers.BatchNorm(layers.Conv(InputName, "stem.0", options.InputChannels, padding: 1), "stem.1");
        string s0 = stem, s1 = stem;
        for (int i = 0; i < network.Cells.Count; i++)
        {
            var shape = network.Cells[i].Shape;
            (s0, s1) = (s1, cells.Cell($"cells.{i}", shape, architecture, s0, s1));
        }
        string logits = layers.Linear(layers.GlobalAveragePool(s1, "head"), "classifier", OutputName);
        graph.Output(logits, (int)TensorProto.Types.DataType.Float, [BatchDimension, options.Classes]);

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "parsec",
            ProducerVersion = info.ParsecVersion,
            DocString = $"DARTS-space network found and trained with Parsec: genotype {info.GenotypeJson.ReplaceLineEndings(" ")}",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.AddRange(info.ToMetadata().Select(p => new StringStringEntryProto { Key = p.Key, Value = p.Value }));
        model.MetadataProps.Add(new StringStringEntryProto { Key = InitializerChecksum.Key, Value = InitializerChecksum.Of(model.Graph) });
        return model;
    }

    /// <summary>Exports <paramref name="network"/> to <paramref name="path"/>, written to a temporary file first and renamed.</summary>
    public static void Write(Network network, ModelInfo info, string path) =>
        AtomicFile.WriteAllBytes(path, Build(network, info).ToByteArray());

    /// <summary>Rebuilds the network of a weights file (or run folder) written by `parsec train` and exports it; returns the weights file used.</summary>
    public static string ExportWeights(string weightsOrRun, string onnxPath)
    {
        string file = WeightsEvaluation.ResolvePath(weightsOrRun);
        var (content, record) = EvaluationCheckpoint.Load(file);
        using var backend = new CpuBackend();
        using var network = Network.CreateFixed(backend, record.Options.Network(record.ImageShape[0], record.Classes), record.Genotype(file), new Rng(0));
        EvaluationCheckpoint.Apply(content, record, file, network, optimizer: null);
        Write(network, ModelInfo.From(record), onnxPath);
        return file;
    }
}
