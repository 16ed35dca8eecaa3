using Parsec.Search.Data.Files;
using Parsec.Search.Data.Generated;

namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// The training augmentation that suits each dataset, used wherever the user does not set one. A flip must
/// keep an image in its class: it does for CIFAR photos, clothes and dot pairs, but a mirrored digit is no
/// longer that digit, and a mirrored grating of the textures dataset has another orientation, i.e. another
/// class. Crops shift by an eighth of the side (DARTS' 4 pixels on 32x32); cutout 16 is DARTS' CIFAR setting.
/// </summary>
internal static class DatasetAugmentation
{
    public static AugmentationOptions For(string dataset, int imageSide)
    {
        int crop = Math.Max(1, imageSide / 8);
        if (DatasetFormats.TryParse(dataset, out var format))
            return format switch
            {
                DatasetFormat.Cifar10 or DatasetFormat.Cifar100 => new AugmentationOptions(4, HorizontalFlip: true, CutoutSize: 16),
                DatasetFormat.Mnist => new AugmentationOptions(2, HorizontalFlip: false, CutoutSize: 0),
                DatasetFormat.FashionMnist => new AugmentationOptions(2, HorizontalFlip: true, CutoutSize: 0),
                _ => new AugmentationOptions(crop, HorizontalFlip: true, CutoutSize: 0),
            };
        bool flipKeepsClass = !string.Equals(dataset, OrientedTextures.Name, StringComparison.OrdinalIgnoreCase);
        return new AugmentationOptions(crop, flipKeepsClass, CutoutSize: 0);
    }
}
