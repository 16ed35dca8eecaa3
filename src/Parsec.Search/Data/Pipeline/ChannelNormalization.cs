namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// Per-channel standardisation x' = (x - mean[c]) / std[c], applied to pixels in [0, 1]. The training set's
/// own statistics are used (for CIFAR-10 they are the constants DARTS hard-codes), and they are stored
/// with a checkpoint so that evaluation normalises exactly as training did.
/// </summary>
public sealed record ChannelNormalization
{
    public ChannelNormalization(float[] mean, float[] std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException($"normalisation needs one mean and one std per channel, got {mean.Length} means and {std.Length} stds");
        for (int c = 0; c < std.Length; c++)
            if (!(std[c] > 0) || !float.IsFinite(mean[c]))
                throw new ArgumentException($"normalisation channel {c}: mean {mean[c]} must be finite and std {std[c]} positive");
        Mean = mean;
        Std = std;
    }

    public float[] Mean { get; }
    public float[] Std { get; }
    public int Channels => Mean.Length;

    /// <summary>Leaves values unchanged: mean 0, std 1 on every channel.</summary>
    public static ChannelNormalization Identity(int channels) =>
        new(new float[channels], Enumerable.Repeat(1f, channels).ToArray());

    public float Apply(int channel, float value) => (value - Mean[channel]) / Std[channel];

    /// <summary>A copy of <paramref name="data"/> with every image standardised exactly as the training pipeline standardises a batch.</summary>
    public InMemoryDataset ApplyTo(InMemoryDataset data)
    {
        if (data.Channels != Channels) throw new ArgumentException($"a normalisation of {Channels} channels cannot standardise '{data.Name}' with {data.Channels}");
        var images = new float[data.AllImages.Length];
        for (int i = 0; i < data.Count; i++)
            ImageAugmenter.Normalize(data.Image(i), images.AsSpan(i * data.ImageLength, data.ImageLength), data.Channels, data.Height, data.Width, this);
        return new InMemoryDataset(data.Name, images, data.AllLabels.ToArray(), data.Channels, data.Height, data.Width, data.Classes, data.ClassNames);
    }

    public string Describe() =>
        $"mean [{string.Join(", ", Mean.Select(m => m.ToString("0.0000")))}], std [{string.Join(", ", Std.Select(s => s.ToString("0.0000")))}]";
}
