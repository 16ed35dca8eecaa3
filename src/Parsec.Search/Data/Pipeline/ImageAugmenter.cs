using Parsec.Autodiff;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// Turns one raw CHW image (values in [0, 1]) into a network input: crop, flip, normalise, cutout, in one
/// pass over the output. The random draws per image are, in order: crop row, crop column, flip, cutout
/// row, cutout column (each only when its step is on), so a given generator state gives one result.
/// </summary>
internal static class ImageAugmenter
{
    /// <summary>Where the crop window starts, whether it is flipped, and the cutout centre (-1 when off).</summary>
    public readonly record struct Draw(int OffsetY, int OffsetX, bool Flip, int CutoutY, int CutoutX);

    public static Draw DrawFor(AugmentationOptions options, int height, int width, Rng rng)
    {
        int pad = options.CropPadding;
        // A window of the original size inside the padded image starts at 0..2*pad; relative to the
        // original image it starts at -pad..pad.
        int offY = pad > 0 ? rng.NextInt(2 * pad + 1) - pad : 0;
        int offX = pad > 0 ? rng.NextInt(2 * pad + 1) - pad : 0;
        bool flip = options.HorizontalFlip && rng.NextDouble() < 0.5;
        int cy = -1, cx = -1;
        if (options.CutoutSize > 0)
        {
            cy = rng.NextInt(height);
            cx = rng.NextInt(width);
        }
        return new Draw(offY, offX, flip, cy, cx);
    }

    /// <summary>Normalises without augmenting (test and evaluation inputs).</summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, ChannelNormalization norm) =>
        Apply(source, destination, channels, height, width, norm, new Draw(0, 0, false, -1, -1), 0);

    public static void Augment(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        ChannelNormalization norm, AugmentationOptions options, Rng rng) =>
        Apply(source, destination, channels, height, width, norm, DrawFor(options, height, width, rng), options.CutoutSize);

    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        ChannelNormalization norm, Draw draw, int cutoutSize)
    {
        int plane = height * width;
        if (source.Length != channels * plane || destination.Length != channels * plane)
            throw new ArgumentException($"an image of {channels}x{height}x{width} has {channels * plane} values; got source {source.Length}, destination {destination.Length}");
        if (norm.Channels != channels)
            throw new ArgumentException($"normalisation has {norm.Channels} channels, the image {channels}");
        // Cutout square [y0, y1) x [x0, x1), clipped at the border as in DARTS' Cutout.
        int half = cutoutSize / 2;
        int y0 = 0, y1 = 0, x0 = 0, x1 = 0;
        if (draw.CutoutY >= 0 && cutoutSize > 0)
        {
            y0 = Math.Max(draw.CutoutY - half, 0); y1 = Math.Min(draw.CutoutY + half, height);
            x0 = Math.Max(draw.CutoutX - half, 0); x1 = Math.Min(draw.CutoutX + half, width);
        }
        for (int c = 0; c < channels; c++)
        {
            var src = source.Slice(c * plane, plane);
            var dst = destination.Slice(c * plane, plane);
            float padded = norm.Apply(c, 0f); // the zero padding, normalised like any pixel
            for (int y = 0; y < height; y++)
            {
                int sy = y + draw.OffsetY;
                bool rowInside = sy >= 0 && sy < height;
                bool rowCut = y >= y0 && y < y1;
                for (int x = 0; x < width; x++)
                {
                    if (rowCut && x >= x0 && x < x1) { dst[y * width + x] = 0f; continue; }
                    // The flip mirrors the cropped window, so it applies to the output column.
                    int sx = (draw.Flip ? width - 1 - x : x) + draw.OffsetX;
                    dst[y * width + x] = rowInside && sx >= 0 && sx < width ? norm.Apply(c, src[sy * width + sx]) : padded;
                }
            }
        }
    }
}
