namespace Parsec.Search.Data.Generated;

/// <summary>Size and randomness of a generated dataset: the same options always give the same images.</summary>
/// <param name="Count">Number of images (classes are balanced: image i has class i mod classes).</param>
/// <param name="ImageSize">Height and width in pixels (a multiple of 4, so two reductions divide it).</param>
/// <param name="Seed">Seed of the generator that draws every random detail.</param>
/// <param name="Noise">Standard deviation of the Gaussian pixel noise (pixels are clipped to [0, 1]).</param>
internal sealed record GeneratedDatasetOptions(int Count = 2000, int ImageSize = 16, ulong Seed = 1, double Noise = 0.1)
{
    public void Validate(string dataset)
    {
        if (Count < 2) throw new BadInputException($"{dataset}: needs at least 2 images, got {Count}");
        if (ImageSize < 8 || ImageSize % 4 != 0) throw new BadInputException($"{dataset}: image size must be a multiple of 4 and at least 8, got {ImageSize}");
        if (Noise is < 0 or > 1) throw new BadInputException($"{dataset}: noise must be in [0, 1], got {Noise}");
    }
}
