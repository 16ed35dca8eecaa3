namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// The DARTS training augmentation: a random crop of the original size from the image padded with zeros
/// on every side, a horizontal flip with probability 1/2, then cutout (a square set to zero after
/// normalisation, centred anywhere in the image and clipped at its border). A size of 0 turns a step off.
/// </summary>
public sealed record AugmentationOptions(int CropPadding = 4, bool HorizontalFlip = true, int CutoutSize = 16)
{
    public static readonly AugmentationOptions None = new(0, false, 0);

    public void Validate()
    {
        if (CropPadding < 0) throw new ArgumentException($"crop padding must be >= 0, got {CropPadding}");
        if (CutoutSize < 0) throw new ArgumentException($"cutout size must be >= 0, got {CutoutSize}");
    }

    public override string ToString() => $"crop padding {CropPadding}, flip {(HorizontalFlip ? "on" : "off")}, cutout {CutoutSize}";
}
