using Parsec.Search.Data.Files;
using SixLabors.ImageSharp;

namespace Parsec.Search.Predict;

/// <summary>A class and the probability the model gives it.</summary>
internal readonly record struct ClassScore(int Class, string Name, double Probability);

/// <summary>One input file's outcome: its most likely classes and every class's logit (the model's raw score before the softmax), or why it could not be read.</summary>
internal sealed record ImagePrediction(string File, IReadOnlyList<ClassScore> Top, string? Error, IReadOnlyList<float>? Logits = null)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// Classifies image files in batches. A file that cannot be read or decoded (missing, a link to nothing or to itself,
/// unreadable, not an image, too many pixels) gets an error naming it and is left out of its batch; the other files
/// still get predictions.
/// </summary>
internal static class Predictor
{
    public static List<ImagePrediction> Run(IImageClassifier model, IReadOnlyList<string> files, int topK, int batchSize = 32, CancellationToken cancel = default)
    {
        if (topK < 1) throw new BadInputException($"--top must be >= 1, got {topK}");
        if (batchSize < 1) throw new BadInputException($"--batch-size must be >= 1, got {batchSize}");
        var info = model.Info;
        int length = info.ImageShape[0] * info.ImageShape[1] * info.ImageShape[2];
        var normalization = info.Normalization;
        var results = new List<ImagePrediction>(files.Count);
        for (int start = 0; start < files.Count; start += batchSize)
        {
            cancel.ThrowIfCancellationRequested();
            var batch = files.Skip(start).Take(batchSize).ToList();
            var pixels = new float[batch.Count * length];
            var errors = new string?[batch.Count];
            // Two decodes at a time at most: each may hold an image of up to MaxPixels while it is resized.
            Parallel.For(0, batch.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(2, Environment.ProcessorCount) }, i =>
            {
                try { PredictionImage.Read(batch[i], info.ImageShape, normalization, pixels.AsSpan(i * length, length)); }
                catch (DataFileException e) { errors[i] = Describe(e); }
            });
            var decoded = Enumerable.Range(0, batch.Count).Where(i => errors[i] is null).ToList();
            var logits = decoded.Count == 0 ? [] : model.Logits(Compact(pixels, decoded, length), decoded.Count);
            int classes = info.ClassNames.Length, row = 0;
            for (int i = 0; i < batch.Count; i++)
                results.Add(errors[i] is { } error ? new ImagePrediction(batch[i], [], error)
                    : new ImagePrediction(batch[i], Top(logits.AsSpan(row * classes, classes), info.ClassNames, topK), null, logits.AsSpan(row++ * classes, classes).ToArray()));
        }
        return results;
    }

    /// <summary>The <paramref name="k"/> most probable classes under a softmax of <paramref name="logits"/>, most probable first (ties by class index).</summary>
    public static List<ClassScore> Top(ReadOnlySpan<float> logits, IReadOnlyList<string> names, int k)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        var exp = new double[logits.Length];
        double sum = 0;
        for (int c = 0; c < logits.Length; c++) sum += exp[c] = Math.Exp(logits[c] - max);
        return Enumerable.Range(0, logits.Length)
            .OrderByDescending(c => exp[c]).ThenBy(c => c)
            .Take(k)
            .Select(c => new ClassScore(c, names[c], exp[c] / sum))
            .ToList();
    }

    /// <summary>One line naming the file; ImageSharp's own message for an unknown format lists every decoder over several lines.</summary>
    private static string Describe(DataFileException e) =>
        e.InnerException is UnknownImageFormatException
            ? $"{e.FilePath}: not a readable image (unknown format, or a damaged header); expected PNG, JPEG, BMP, GIF, TIFF, WebP, TGA or PBM"
            : e.Message.ReplaceLineEndings(" ");

    private static float[] Compact(float[] pixels, List<int> kept, int length)
    {
        if (kept.Count * length == pixels.Length) return pixels;
        var compact = new float[kept.Count * length];
        for (int j = 0; j < kept.Count; j++) pixels.AsSpan(kept[j] * length, length).CopyTo(compact.AsSpan(j * length));
        return compact;
    }
}
