namespace Parsec.Search.Data;

/// <summary>
/// A labelled image set held in memory: every image of the set in one float array laid out (N, C, H, W)
/// row-major, one integer label per image, and the number of classes. The built-in generated datasets and
/// the file readers (CIFAR, MNIST, image folders) all produce this type; the search and training loops read
/// batches out of it. Pixel values are whatever the producer documents (file readers and generators here
/// use [0, 1]).
/// </summary>
public sealed class InMemoryDataset
{
    private readonly float[] _images; // (N, C, H, W)
    private readonly int[] _labels;   // (N)

    public InMemoryDataset(string name, float[] images, int[] labels, int channels, int height, int width, int classes,
        IReadOnlyList<string>? classNames = null)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("a dataset needs a name", nameof(name));
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"dataset '{name}': image shape {channels}x{height}x{width} must be positive");
        if (classes < 1) throw new ArgumentException($"dataset '{name}': needs at least one class, got {classes}");
        long imageLength = (long)channels * height * width;
        if (images.LongLength != imageLength * labels.LongLength)
            throw new ArgumentException($"dataset '{name}': {labels.Length} labels need {imageLength * labels.LongLength} pixel values ({channels}x{height}x{width} each), got {images.LongLength}");
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= classes)
                throw new ArgumentException($"dataset '{name}': label {labels[i]} of image {i} is outside 0..{classes - 1}");
        if (classNames is not null && classNames.Count != classes)
            throw new ArgumentException($"dataset '{name}': {classNames.Count} class names for {classes} classes");
        Name = name;
        _images = images;
        _labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
        ClassNames = classNames ?? Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray();
    }

    public string Name { get; }
    public int Count => _labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Values per image: C * H * W.</summary>
    public int ImageLength => Channels * Height * Width;
    public int[] ImageShape => [Channels, Height, Width];

    public ReadOnlySpan<float> Image(int index) => _images.AsSpan(index * ImageLength, ImageLength);
    public int Label(int index) => _labels[index];
    public ReadOnlySpan<float> AllImages => _images;
    public ReadOnlySpan<int> AllLabels => _labels;

    /// <summary>Copies the images and labels at <paramref name="indices"/> into batch buffers (B, C, H, W) and (B).</summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels)
    {
        int length = ImageLength;
        if (images.Length != indices.Length * length || labels.Length != indices.Length)
            throw new ArgumentException($"a batch of {indices.Length} needs {indices.Length * length} pixel values and {indices.Length} labels, got {images.Length} and {labels.Length}");
        for (int b = 0; b < indices.Length; b++)
        {
            Image(indices[b]).CopyTo(images.Slice(b * length, length));
            labels[b] = _labels[indices[b]];
        }
    }

    /// <summary>A new dataset holding copies of the images at <paramref name="indices"/>, in that order.</summary>
    public InMemoryDataset Subset(IReadOnlyList<int> indices, string? name = null)
    {
        var images = new float[(long)indices.Count * ImageLength];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int source = indices[i];
            if (source < 0 || source >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), source, $"dataset '{Name}' has {Count} images");
            Image(source).CopyTo(images.AsSpan(i * ImageLength, ImageLength));
            labels[i] = _labels[source];
        }
        return new InMemoryDataset(name ?? Name, images, labels, Channels, Height, Width, Classes, ClassNames);
    }

    /// <summary>
    /// The first <paramref name="fraction"/> of the images and the rest, in stored order (DARTS' search split:
    /// the first half fits the weights, the second half the architecture distribution).
    /// </summary>
    public (InMemoryDataset First, InMemoryDataset Second) Split(double fraction)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "split fraction must be in (0, 1)");
        int first = (int)Math.Floor(Count * fraction);
        if (first < 1 || first >= Count)
            throw new BadInputException($"dataset '{Name}' with {Count} images cannot be split at {fraction}: both parts need images");
        return (Subset(Enumerable.Range(0, first).ToArray(), $"{Name}[:{first}]"),
                Subset(Enumerable.Range(first, Count - first).ToArray(), $"{Name}[{first}:]"));
    }

    public override string ToString() => $"{Name}: {Count} images {Channels}x{Height}x{Width}, {Classes} classes";
}
