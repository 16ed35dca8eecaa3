namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// What the `data` command prints about a set and what training normalises with: images per class, and
/// the per-channel mean and (population) standard deviation over every pixel of every image.
/// </summary>
internal sealed record DatasetStatistics(string Name, int Count, int Channels, int Height, int Width,
    IReadOnlyList<string> ClassNames, long[] PerClass, double[] Mean, double[] Std, float Min, float Max)
{
    public static DatasetStatistics Compute(InMemoryDataset data)
    {
        if (data.Count == 0) throw new BadInputException($"dataset '{data.Name}' holds no images");
        var perClass = new long[data.Classes];
        foreach (int label in data.AllLabels) perClass[label]++;
        int plane = data.Height * data.Width;
        var sum = new double[data.Channels];
        var sumSquares = new double[data.Channels];
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < data.Count; i++)
        {
            var image = data.Image(i);
            for (int c = 0; c < data.Channels; c++)
            {
                // Per-plane partial sums keep the double accumulators from absorbing millions of tiny terms one by one.
                double s = 0, q = 0;
                foreach (float v in image.Slice(c * plane, plane))
                {
                    s += v;
                    q += (double)v * v;
                    if (v < min) min = v;
                    if (v > max) max = v;
                }
                sum[c] += s;
                sumSquares[c] += q;
            }
        }
        double n = (double)data.Count * plane;
        var mean = sum.Select(s => s / n).ToArray();
        var std = sumSquares.Select((q, c) => Math.Sqrt(Math.Max(q / n - mean[c] * mean[c], 0))).ToArray();
        return new DatasetStatistics(data.Name, data.Count, data.Channels, data.Height, data.Width, data.ClassNames, perClass, mean, std, min, max);
    }

    /// <summary>
    /// The standardisation this set calls for. A channel with no spread (a constant image set) keeps std 1,
    /// since dividing by zero would turn every pixel into NaN.
    /// </summary>
    public ChannelNormalization ToNormalization() =>
        new(Mean.Select(m => (float)m).ToArray(), Std.Select(s => s > 1e-6 ? (float)s : 1f).ToArray());
}
