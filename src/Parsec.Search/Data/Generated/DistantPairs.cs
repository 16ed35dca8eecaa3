using Parsec.Autodiff;

namespace Parsec.Search.Data.Generated;

/// <summary>
/// Two classes that only a large receptive field separates: each image holds two bright 2x2 dots half the
/// image side apart, side by side (class 0, "horizontal") or one above the other (class 1, "vertical"), on a
/// noisy grey background. The second dot sits at the first one's position plus half the side, wrapping
/// around the image, so every dot position is equally likely in both classes: a unit that sees one dot at a
/// time (and everything global pooling then sums) carries no information about the class. Only units whose
/// window spans both dots (half the side plus the dot) can tell the classes apart, which ops with wide or
/// dilated windows reach in fewer layers.
/// </summary>
internal static class DistantPairs
{
    public const string Name = "distant-pairs";
    public const int Classes = 2;
    private const int Dot = 2;

    public static InMemoryDataset Generate(GeneratedDatasetOptions options)
    {
        options.Validate(Name);
        int s = options.ImageSize, plane = s * s, half = s / 2;
        var rng = new Rng(options.Seed);
        var images = new float[(long)options.Count * 3 * plane];
        var labels = new int[options.Count];
        for (int n = 0; n < options.Count; n++)
        {
            int label = n % Classes;
            labels[n] = label;
            var image = images.AsSpan(n * 3 * plane, 3 * plane);
            for (int i = 0; i < image.Length; i++) image[i] = OrientedTextures.Pixel(0.5 + options.Noise * rng.NextGaussian());
            // Dots on the even grid, so that a dot never straddles the wrap-around edge.
            int y = Dot * rng.NextInt(s / Dot), x = Dot * rng.NextInt(s / Dot);
            Paint(image, s, y, x);
            if (label == 0) Paint(image, s, y, (x + half) % s);
            else Paint(image, s, (y + half) % s, x);
        }
        return new InMemoryDataset(Name, images, labels, 3, s, s, Classes, ["horizontal", "vertical"]);
    }

    private static void Paint(Span<float> image, int side, int top, int left)
    {
        int plane = side * side;
        for (int c = 0; c < 3; c++)
            for (int y = top; y < top + Dot; y++)
                for (int x = left; x < left + Dot; x++)
                    image[c * plane + y * side + x] = 1f;
    }
}
