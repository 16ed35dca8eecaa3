using Parsec.Autodiff;

namespace Parsec.Search.Data;

/// <summary>
/// Seeded subsets that keep every class's share, whatever order the images are stored in. An image folder lists
/// its images class by class, so "the first N" or "the first half" of it holds only some of the classes: a search
/// whose weights never saw the classes its pi is fitted on learns nothing, and a --train-count that drops whole
/// classes trains a different problem. Both go through here instead.
/// </summary>
internal static class StratifiedSampling
{
    /// <summary>
    /// <paramref name="count"/> indices into <paramref name="labels"/>: each class contributes its share of
    /// <paramref name="count"/> (largest remainders decide the rounding, ties to the larger class, then the lower
    /// class index), the images of a class are a uniform draw, and the result is in a random order, so a prefix of it
    /// is mixed too.
    /// </summary>
    public static int[] Subset(ReadOnlySpan<int> labels, int classes, int count, Rng rng)
    {
        if (count < 0 || count > labels.Length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a subset of {labels.Length} images must have 0..{labels.Length} of them");
        var byClass = IndicesByClass(labels, classes);
        foreach (var members in byClass) rng.Shuffle(members);
        var quota = Quotas(byClass.Select(m => m.Length).ToArray(), count);
        var chosen = new int[count];
        int at = 0;
        for (int c = 0; c < classes; c++)
        {
            Array.Copy(byClass[c], 0, chosen, at, quota[c]);
            at += quota[c];
        }
        rng.Shuffle(chosen);
        return chosen;
    }

    /// <summary>
    /// Two disjoint parts covering every image: the first holds floor(<paramref name="fraction"/> * N) images drawn
    /// by <see cref="Subset"/>, the second the rest, each in a random order.
    /// </summary>
    public static (int[] First, int[] Second) Split(ReadOnlySpan<int> labels, int classes, double fraction, Rng rng)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "split fraction must be in (0, 1)");
        int firstCount = (int)Math.Floor(labels.Length * fraction);
        var first = Subset(labels, classes, firstCount, rng);
        var taken = new bool[labels.Length];
        foreach (int i in first) taken[i] = true;
        var second = Enumerable.Range(0, labels.Length).Where(i => !taken[i]).ToArray();
        rng.Shuffle(second);
        return (first, second);
    }

    /// <summary>Images per class among <paramref name="indices"/> (all images when null).</summary>
    public static int[] Histogram(ReadOnlySpan<int> labels, int classes, IReadOnlyList<int>? indices = null)
    {
        var counts = new int[classes];
        if (indices is null)
            foreach (int label in labels) counts[label]++;
        else
            foreach (int i in indices) counts[labels[i]]++;
        return counts;
    }

    private static int[][] IndicesByClass(ReadOnlySpan<int> labels, int classes)
    {
        var lists = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < labels.Length; i++) lists[labels[i]].Add(i);
        return lists.Select(l => l.ToArray()).ToArray();
    }

    /// <summary>How many images each class gives to a subset of <paramref name="count"/>: Hamilton's apportionment of its share.</summary>
    public static int[] Quotas(int[] classSizes, int count)
    {
        long total = classSizes.Sum(s => (long)s);
        var quota = new int[classSizes.Length];
        if (total == 0) return quota;
        var remainders = new double[classSizes.Length];
        int given = 0;
        for (int c = 0; c < classSizes.Length; c++)
        {
            double exact = (double)count * classSizes[c] / total;
            quota[c] = (int)Math.Floor(exact);
            remainders[c] = exact - quota[c];
            given += quota[c];
        }
        var order = Enumerable.Range(0, classSizes.Length)
            .OrderByDescending(c => remainders[c]).ThenByDescending(c => classSizes[c]).ThenBy(c => c).ToArray();
        for (int i = 0; given < count; i = (i + 1) % order.Length)
        {
            int c = order[i];
            if (quota[c] >= classSizes[c]) continue;
            quota[c]++;
            given++;
        }
        return quota;
    }
}
