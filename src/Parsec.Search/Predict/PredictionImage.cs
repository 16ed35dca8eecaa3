using Parsec.Search.Data.Files;
using Parsec.Search.Data.Pipeline;

namespace Parsec.Search.Predict;

/// <summary>
/// Turns an image file into a model input prepared exactly as training prepared its images: decoded, resized
/// to the training size by the image-folder loader's own decoder, scaled to [0, 1] (grey levels for
/// one-channel models, whose datasets store grey images), then standardised with the training statistics.
/// </summary>
internal static class PredictionImage
{
    /// <summary>Extensions taken from a folder; a file named explicitly is tried whatever its extension.</summary>
    public static readonly string[] FolderExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tga", ".tif", ".tiff"];

    /// <summary>Fills <paramref name="destination"/> (C * H * W) from <paramref name="path"/>; throws <see cref="DataFileException"/> naming the file when it cannot be decoded.</summary>
    public static void Read(string path, int[] imageShape, ChannelNormalization normalization, Span<float> destination)
    {
        if (!File.Exists(path))
            throw new DataFileException(path, Directory.Exists(path) ? "is a folder inside a folder (folders are not searched recursively)" : "not found (or a link to nothing)");
        int channels = imageShape[0], height = imageShape[1], width = imageShape[2];
        if (height != width) throw new BadInputException($"models are trained on square images; this one expects {height}x{width}");
        if (channels == 3) ImageFolderDataset.Decode(path, height, destination);
        else if (channels == 1) DecodeGrey(path, height, destination);
        else throw new BadInputException($"images can feed a model of 1 (grey) or 3 (RGB) channels; this one has {channels}");

        int plane = height * width;
        for (int c = 0; c < channels; c++)
            for (int p = 0; p < plane; p++)
                destination[c * plane + p] = normalization.Apply(c, destination[c * plane + p]);
    }

    /// <summary>
    /// The image files named: files as given, folders' images (by extension, sorted, not recursive). A named path that
    /// is not there (or a dangling link) is kept: it is reported as that file's error while the others are predicted.
    /// Only when nothing at all is named is it refused.
    /// </summary>
    public static List<string> Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (string path in paths)
        {
            if (Directory.Exists(path))
            {
                var images = Directory.GetFiles(path)
                    .Where(f => FolderExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal).ToList();
                if (images.Count == 0)
                    throw new BadInputException($"{path}: the folder holds no image files ({string.Join(", ", FolderExtensions)})");
                files.AddRange(images);
            }
            else files.Add(path);
        }
        return files;
    }

    /// <summary>
    /// Grey levels through the same RGB decoder: a grey image has R = G = B, which the BT.709 weights (ImageSharp's
    /// own grey conversion) return unchanged; a colour image becomes its luminance.
    /// </summary>
    private static void DecodeGrey(string path, int size, Span<float> destination)
    {
        int plane = size * size;
        var rgb = new float[3 * plane];
        ImageFolderDataset.Decode(path, size, rgb);
        for (int p = 0; p < plane; p++)
            destination[p] = 0.2126f * rgb[p] + 0.7152f * rgb[plane + p] + 0.0722f * rgb[2 * plane + p];
    }
}
