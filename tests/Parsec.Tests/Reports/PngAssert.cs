using NUnit.Framework;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Parsec.Tests.Reports;

internal static class PngAssert
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The file is a PNG of the given size (when given) whose pixels vary: something was drawn on it.</summary>
    public static void IsDrawnPng(string path, int? width = null, int? height = null)
    {
        Assert.That(File.Exists(path), Is.True, $"{path} was not written");
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes.Take(8).ToArray(), Is.EqualTo(Signature), $"{path} does not start with the PNG signature");

        using var image = Image.Load<Rgba32>(bytes);
        if (width is not null) Assert.That(image.Width, Is.EqualTo(width), $"{path} width");
        if (height is not null) Assert.That(image.Height, Is.EqualTo(height), $"{path} height");

        // Luminance variance over a grid of samples: a blank (single colour) image has none; a chart with lines,
        // fills and text has plenty.
        double sum = 0, sumSq = 0;
        int n = 0;
        for (int y = 0; y < image.Height; y += 3)
        {
            for (int x = 0; x < image.Width; x += 3)
            {
                var p = image[x, y];
                double lum = 0.299 * p.R + 0.587 * p.G + 0.114 * p.B;
                sum += lum;
                sumSq += lum * lum;
                n++;
            }
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        Assert.That(variance, Is.GreaterThan(100), $"{path} looks blank (luminance variance {variance:0.0})");
    }
}
