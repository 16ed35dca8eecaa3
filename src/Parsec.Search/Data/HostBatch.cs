namespace Parsec.Search.Data;

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

    /// <summary>Fraction of rows of <paramref name="logits"/> (B, classes) whose largest entry is at the label.</summary>
    public double Accuracy(float[] logits)
    {
        int classes = logits.Length / Count, correct = 0;
        for (int r = 0; r < Count; r++)
        {
            var row = logits.AsSpan(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++)
                if (row[c] > row[best]) best = c;
            if (best == Labels[r]) correct++;
        }
        return (double)correct / Count;
    }
}
