using Parsec.Autodiff;

namespace Parsec.Search.Data.Generated;

/// <summary>
/// Ten classes of 3-channel sinusoidal gratings: five orientations (0, 36, 72, 108, 144 degrees) times two
/// spatial periods (a quarter and a half of the image side). Phase, contrast and colour are random per
/// image and carry no class information; Gaussian noise is added. Local oriented filters separate the
/// classes, so a small network learns them in a short search.
/// </summary>
internal static class OrientedTextures
{
    public const string Name = "textures";
    public const int Classes = 10;
    private const int Orientations = 5;

    public static InMemoryDataset Generate(GeneratedDatasetOptions options)
    {
        options.Validate(Name);
        int s = options.ImageSize, plane = s * s;
        var rng = new Rng(options.Seed);
        var images = new float[(long)options.Count * 3 * plane];
        var labels = new int[options.Count];
        for (int n = 0; n < options.Count; n++)
        {
            int label = n % Classes;
            labels[n] = label;
            double angle = Math.PI * (label % Orientations) / Orientations;
            double period = label < Orientations ? s / 2.0 : s / 4.0;
            double kx = 2 * Math.PI * Math.Cos(angle) / period, ky = 2 * Math.PI * Math.Sin(angle) / period;
            double phase = 2 * Math.PI * rng.NextDouble();
            double contrast = 0.25 + 0.2 * rng.NextDouble();
            Span<double> gain = [0.5 + 0.5 * rng.NextDouble(), 0.5 + 0.5 * rng.NextDouble(), 0.5 + 0.5 * rng.NextDouble()];
            var image = images.AsSpan(n * 3 * plane, 3 * plane);
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                {
                    double wave = Math.Sin(kx * x + ky * y + phase);
                    for (int c = 0; c < 3; c++)
                        image[c * plane + y * s + x] = Pixel(0.5 + contrast * gain[c] * wave + options.Noise * rng.NextGaussian());
                }
        }
        string[] names = Enumerable.Range(0, Classes)
            .Select(c => $"{180 * (c % Orientations) / Orientations}deg/{(c < Orientations ? "wide" : "narrow")}").ToArray();
        return new InMemoryDataset(Name, images, labels, 3, s, s, Classes, names);
    }

    internal static float Pixel(double v) => (float)Math.Clamp(v, 0, 1);
}
