using Parsec.Autodiff;

namespace Parsec.Search.Data.Generated;

/// <summary>
/// Two classes that only a large receptive field separates: each image holds two small square markers, one
/// near the left edge and one near the right edge (rows random), each either red or blue, on a noisy grey
/// background. The class is whether the two markers have the same colour. Any feature computed from a
/// window that sees one marker at a time, summed by global pooling, gives equal evidence for both classes
/// (same-colour pairs lie on both sides of the mixed pairs), so the classes are only separable once some
/// unit sees both markers: ops with wide or dilated windows get there with fewer layers.
/// </summary>
public static class DistantPairs
{
    public const string Name = "distant-pairs";
    public const int Classes = 2;
    private const int Marker = 2;

    public static InMemoryDataset Generate(GeneratedDatasetOptions options)
    {
        options.Validate(Name);
        int s = options.ImageSize, plane = s * s;
        var rng = new Rng(options.Seed);
        var images = new float[(long)options.Count * 3 * plane];
        var labels = new int[options.Count];
        for (int n = 0; n < options.Count; n++)
        {
            int label = n % Classes; // 1: same colour
            labels[n] = label;
            int leftColour = rng.NextInt(2);
            int rightColour = label == 1 ? leftColour : 1 - leftColour;
            var image = images.AsSpan(n * 3 * plane, 3 * plane);
            for (int i = 0; i < image.Length; i++) image[i] = OrientedTextures.Pixel(0.5 + options.Noise * rng.NextGaussian());
            Paint(image, s, rng.NextInt(s - Marker + 1), rng.NextInt(2), leftColour);
            Paint(image, s, rng.NextInt(s - Marker + 1), s - Marker - rng.NextInt(2), rightColour);
        }
        return new InMemoryDataset(Name, images, labels, 3, s, s, Classes, ["different", "same"]);
    }

    /// <summary>Colour 0 is red (channel 0 high, channel 2 low), colour 1 blue; the green channel stays background.</summary>
    private static void Paint(Span<float> image, int side, int top, int left, int colour)
    {
        int plane = side * side;
        for (int y = top; y < top + Marker; y++)
            for (int x = left; x < left + Marker; x++)
            {
                image[0 * plane + y * side + x] = colour == 0 ? 1f : 0f;
                image[2 * plane + y * side + x] = colour == 0 ? 0f : 1f;
            }
    }
}
