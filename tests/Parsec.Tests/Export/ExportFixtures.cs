using Parsec.Autodiff;
using Parsec.Search.Data.Files;
using Parsec.Search.Model;
using Parsec.Search.Space;
using Parsec.Search.Training;

namespace Parsec.Tests.Export;

/// <summary>Small evaluation-form networks with every weight and batch-norm statistic away from its initial value, and their logits from Parsec and from ONNX Runtime.</summary>
internal static class ExportFixtures
{
    public static readonly float[] Mean = [0.4f, 0.5f, 0.6f];
    public static readonly float[] Std = [0.2f, 0.25f, 0.3f];

    public static EvaluationOptions Options(int channels, int layers) => new()
    {
        Channels = channels, Layers = layers, BatchSize = 4, Epochs = 1, Auxiliary = true, Seed = 5,
    };

    /// <summary>
    /// A fixed network whose batch norms have non-trivial scale, shift, mean and variance (fresh ones are the
    /// identity), so that the exported inference form of batch norm is really checked. The auxiliary head is
    /// built (as in training) so that leaving it out of the export is checked too.
    /// </summary>
    public static Network RandomNetwork(IBackend backend, Genotype genotype, EvaluationOptions options, int classes, ulong seed)
    {
        var network = Network.CreateFixed(backend, options.Network(3, classes), genotype, new Rng(seed));
        var rng = new Rng(seed + 1);
        foreach (var t in network.Parameters.All.Where(t => t.Name!.Contains("running_") || t.Rank == 1 && !t.Name!.StartsWith("classifier")))
        {
            bool positive = t.Name!.EndsWith("running_var") || t.Name.EndsWith(".weight");
            var values = new float[t.Length];
            for (int i = 0; i < values.Length; i++) values[i] = positive ? 0.5f + (float)rng.NextDouble() : (float)rng.NextDouble() - 0.5f;
            t.Backend.CopyIn(t.Storage, values);
        }
        return network;
    }

    public static float[] RandomImages(int batch, int side, ulong seed)
    {
        var rng = new Rng(seed);
        var images = new float[batch * 3 * side * side];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextGaussian();
        return images;
    }

    /// <summary>Parsec's evaluation forward (running statistics, no drop path, no auxiliary head).</summary>
    public static float[] ParsecLogits(Network network, float[] images, int batch, int side)
    {
        var backend = network.Parameters.Backend;
        using var tape = new Tape(backend);
        using var noGrad = tape.NoGrad();
        using var x = Tensor.FromArray(backend, images, [batch, 3, side, side]);
        return network.Forward(tape, x, ForwardMode.Evaluation).Logits.ToFloatArray();
    }

    /// <summary>The training record a weights file of such a network carries (generated textures, <paramref name="classes"/> classes).</summary>
    public static TrainingRecord Record(Genotype genotype, EvaluationOptions options, int classes, int side) => new()
    {
        GenotypeJson = genotype.ToJson(),
        Options = options,
        Dataset = new DatasetSpec(DatasetSplitsLoader.DefaultDataset, ImageSize: side),
        NormalizationMean = Mean,
        NormalizationStd = Std,
        ImageShape = [3, side, side],
        ClassNames = Enumerable.Range(0, classes).Select(c => $"class_{c}").ToArray(),
    };

    /// <summary>Largest |a - b| over a row, relative to the row's largest |b|: logits near zero do not inflate it.</summary>
    public static double MaxRelativeDifference(float[] actual, float[] expected, int classes)
    {
        double worst = 0;
        for (int row = 0; row < expected.Length / classes; row++)
        {
            double scale = 0, diff = 0;
            for (int c = 0; c < classes; c++)
            {
                int i = row * classes + c;
                scale = Math.Max(scale, Math.Abs(expected[i]));
                diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            }
            worst = Math.Max(worst, diff / Math.Max(scale, 1e-6));
        }
        return worst;
    }
}
