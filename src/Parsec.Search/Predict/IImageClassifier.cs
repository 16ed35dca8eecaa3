using Parsec.Search.Export;

namespace Parsec.Search.Predict;

/// <summary>A trained model that maps normalised images (N, C, H, W) to class logits (N, classes): Parsec's own network or an ONNX export of it.</summary>
internal interface IImageClassifier : IDisposable
{
    /// <summary>Image shape, normalisation and class names the model was trained with.</summary>
    ModelInfo Info { get; }

    /// <summary>What runs the model, for the user ("parsec cpu", "ONNX Runtime 1.31.1").</summary>
    string Engine { get; }

    /// <summary>Logits, row-major (count, classes), for <paramref name="count"/> normalised images.</summary>
    float[] Logits(float[] images, int count);
}
