namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// One batch gathered on the host: images (B, C, H, W) and labels (B). The search uploads it once per
/// iteration (<see cref="DeviceBatch"/>) and every sample of the pass reads that copy.
/// </summary>
internal sealed class HostBatch
{
    public HostBatch(InMemoryDataset dataset, int[] indices)
    {
        Shape = [indices.Length, dataset.Channels, dataset.Height, dataset.Width];
        Images = new float[indices.Length * dataset.ImageLength];
        Labels = new int[indices.Length];
        dataset.CopyBatch(indices, Images, Labels);
    }

    public int[] Shape { get; }
    public float[] Images { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;

    /// <summary>Fraction of rows of <paramref name="logits"/> (B, classes) whose largest entry is at the label (ties go to the lower class, as everywhere).</summary>
    public double Accuracy(float[] logits)
    {
        var tally = new ClassificationTally(logits.Length / Count, topK: 1);
        tally.Add(logits, Labels, meanLoss: 0);
        return tally.Top1Accuracy;
    }
}
