namespace Parsec.Search.Data.Files;

/// <summary>8-bit pixels to the [0, 1] floats every loader produces (and the normalisation expects).</summary>
internal static class PixelValues
{
    /// <summary>A division, not a multiplication by 1/255: the result is the float nearest to b / 255.</summary>
    public static float ToUnit(byte b) => b / 255f;

    public static float[] ToUnitRange(ReadOnlySpan<byte> pixels)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) values[i] = ToUnit(pixels[i]);
        return values;
    }
}
