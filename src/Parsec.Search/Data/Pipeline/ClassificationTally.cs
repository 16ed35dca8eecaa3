namespace Parsec.Search.Data.Pipeline;

/// <summary>
/// Running counts over evaluated examples: summed loss, top-1 and top-k hits, and per-class totals and
/// top-1 hits. Fed one batch of logits at a time.
/// </summary>
internal sealed class ClassificationTally
{
    private readonly long[] _perClassTotal;
    private readonly long[] _perClassCorrect;

    public ClassificationTally(int classes, int topK = 5)
    {
        if (classes < 1) throw new ArgumentException($"classes must be >= 1, got {classes}");
        Classes = classes;
        TopK = Math.Min(topK, classes);
        _perClassTotal = new long[classes];
        _perClassCorrect = new long[classes];
    }

    public int Classes { get; }
    public int TopK { get; }
    public long Count { get; private set; }
    public long Top1Correct { get; private set; }
    public long TopKCorrect { get; private set; }
    public double LossSum { get; private set; }

    public double MeanLoss => Count == 0 ? double.NaN : LossSum / Count;
    public double Top1Accuracy => Count == 0 ? double.NaN : (double)Top1Correct / Count;
    public double TopKAccuracy => Count == 0 ? double.NaN : (double)TopKCorrect / Count;
    public long ClassTotal(int c) => _perClassTotal[c];
    public double ClassAccuracy(int c) => _perClassTotal[c] == 0 ? double.NaN : (double)_perClassCorrect[c] / _perClassTotal[c];

    /// <param name="logits">(N, Classes) row-major.</param>
    /// <param name="meanLoss">The batch's mean loss, weighted by N in the running mean.</param>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, double meanLoss)
    {
        int n = labels.Length;
        if (logits.Length != n * Classes)
            throw new ArgumentException($"{n} labels need {n * Classes} logits ({Classes} classes), got {logits.Length}");
        for (int i = 0; i < n; i++)
        {
            var row = logits.Slice(i * Classes, Classes);
            int label = labels[i];
            float target = row[label];
            // Rank of the true class, with ties going to the lower class index as argmax does: a network
            // that scores every class the same is right only on class 0, never everywhere.
            int higher = 0;
            for (int c = 0; c < Classes; c++)
                if (row[c] > target || (row[c] == target && c < label)) higher++;
            _perClassTotal[label]++;
            if (higher == 0) { Top1Correct++; _perClassCorrect[label]++; }
            if (higher < TopK) TopKCorrect++;
        }
        Count += n;
        LossSum += meanLoss * n;
    }
}
