using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Parsec.Search.Export;

namespace Parsec.Search.Predict;

/// <summary>An ONNX model written by `parsec export`, run by ONNX Runtime on the CPU: no Parsec engine involved.</summary>
public sealed class OnnxClassifier : IImageClassifier
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
        File.Exists(path) ? FromModel(File.ReadAllBytes(path), path) : throw new FileNotFoundException($"ONNX model not found: {path}", path);

    /// <summary>A model held in memory; <paramref name="source"/> names it in errors.</summary>
    public static OnnxClassifier FromModel(byte[] model, string source)
    {
        InferenceSession session;
        try { session = new InferenceSession(model); }
        catch (OnnxRuntimeException e) { throw new InvalidDataException($"{source}: ONNX Runtime cannot load it ({e.Message})", e); }
        try
        {
            var info = ModelInfo.FromMetadata(session.ModelMetadata.CustomMetadataMap, source);
            if (!session.InputMetadata.ContainsKey(OnnxExporter.InputName) || !session.OutputMetadata.ContainsKey(OnnxExporter.OutputName))
                throw new InvalidDataException($"{source}: expected input '{OnnxExporter.InputName}' and output '{OnnxExporter.OutputName}', as `parsec export` writes");
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
