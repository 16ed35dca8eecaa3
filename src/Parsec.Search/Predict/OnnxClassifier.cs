using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Parsec.Search.Export;

namespace Parsec.Search.Predict;

/// <summary>An ONNX model written by `parsec export`, run by ONNX Runtime on the CPU: no Parsec engine involved.</summary>
internal sealed class OnnxClassifier : IImageClassifier
{
    private readonly InferenceSession _session;

    private OnnxClassifier(InferenceSession session, ModelInfo info)
    {
        _session = session;
        Info = info;
    }

    public ModelInfo Info { get; }

    public string Engine => "ONNX Runtime (CPU)";

    public static OnnxClassifier Load(string path) =>
        File.Exists(path) ? FromModel(File.ReadAllBytes(path), path) : throw new BadInputException($"ONNX model not found: {path}");

    /// <summary>A model held in memory; <paramref name="source"/> names it in errors.</summary>
    public static OnnxClassifier FromModel(byte[] model, string source)
    {
        try { InitializerChecksum.Verify(Onnx.ModelProto.Parser.ParseFrom(model), source); }
        catch (Google.Protobuf.InvalidProtocolBufferException e) { throw new BadInputException($"{source}: not an ONNX model ({e.Message})", e); }
        InferenceSession session;
        try { session = new InferenceSession(model); }
        catch (OnnxRuntimeException e) { throw new BadInputException($"{source}: ONNX Runtime cannot load it ({e.Message})", e); }
        try
        {
            var info = ModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap, source);
            if (!session.InputMetadata.ContainsKey(OnnxExporter.InputName) || !session.OutputMetadata.ContainsKey(OnnxExporter.OutputName))
                throw new BadInputException($"{source}: expected input '{OnnxExporter.InputName}' and output '{OnnxExporter.OutputName}', as `parsec export` writes");
            // The metadata says how images are prepared and what the outputs mean; it must describe this graph.
            var input = session.InputMetadata[OnnxExporter.InputName].Dimensions;
            var output = session.OutputMetadata[OnnxExporter.OutputName].Dimensions;
            if (input.Length != 4 || !input[1..].SequenceEqual(info.ImageShape))
                throw new BadInputException($"{source}: metadata '{ModelInfo.ImageShapeKey}' says [{string.Join(", ", info.ImageShape)}], the graph's input '{OnnxExporter.InputName}' is [{string.Join(", ", input)}]");
            if (output.Length != 2 || output[1] != info.ClassNames.Length)
                throw new BadInputException($"{source}: metadata '{ModelInfo.ClassNamesKey}' names {info.ClassNames.Length} classes, the graph's output '{OnnxExporter.OutputName}' is [{string.Join(", ", output)}]");
            return new OnnxClassifier(session, info);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public float[] Logits(float[] images, int count)
    {
        var input = new DenseTensor<float>(images, [count, .. Info.ImageShape]);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, input)]);
        return results.Single(r => r.Name == OnnxExporter.OutputName).AsEnumerable<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
