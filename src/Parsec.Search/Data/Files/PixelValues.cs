namespace Parsec.Search.Data.Files;

/// <summary>8-bit pixels to the [0, 1] floats every loader produces (and the normalisation expects).</summary>
public static class PixelValues
{
    public const float Scale = 1f / 255f;

    public static float[] ToUnitRange(ReadOnlySpan<byte> pixels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) values[i] = pixels[i] * Scale;
        return values;
    }
}
