using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// Fixes decided choices of pi (<see cref="PriorCommit.Decided"/>). A committed block's logits become 0 for its chosen
/// value and <see cref="Gap"/> below for every other, so its softmax is 1 to double precision and every sample, the mode
/// and pi.json carry the choice with no further bookkeeping; the prior's optimizer then leaves those logits alone
/// (<see cref="PriorOptimizer.Freeze"/>), so neither the noise of later gradients nor the weight decay reopens them.
/// </summary>
internal static class ChoiceCommitment
{
    /// <summary>How far below the chosen value every other value of a committed block sits: e^-40 is 4e-18.</summary>
    public const double Gap = 40;

    /// <summary>
    /// The blocks to commit now, with their values: every open block whose margin is above the threshold for its size.
    /// A block that must differ from another (the second input of a node) is judged by its distribution given that
    /// block's value, so only once that block is committed.
    /// </summary>
    public static IReadOnlyList<(int Block, int Value)> Decided(CategoricalSet distribution, IReadOnlyDictionary<int, double> thresholds, IReadOnlyCollection<int> committed)
    {
        var mode = distribution.Mode();
        var decided = new List<(int, int)>();
        for (int block = 0; block < distribution.BlockCount; block++)
        {
            if (committed.Contains(block) || !thresholds.TryGetValue(distribution.Size(block), out double threshold)) continue;
            int reference = distribution.DistinctFrom(block);
            if (reference != -1 && !committed.Contains(reference)) continue;
            var probabilities = distribution.ConditionalProbabilities(block, mode); // a committed reference block's mode is its value
            if (DecisionNoise.Margin(probabilities) > threshold) decided.Add((block, CategoricalSet.ArgMax(probabilities)));
        }
        return decided;
    }

    /// <summary>Sets <paramref name="block"/>'s logits so that it takes <paramref name="value"/>, and freezes them.</summary>
    public static void Commit(CategoricalSet distribution, PriorOptimizer optimizer, int block, int value)
    {
        int offset = distribution.Offset(block), size = distribution.Size(block);
        if (value < 0 || value >= size) throw new ArgumentOutOfRangeException(nameof(value), value, $"block {block} has {size} values");
        for (int i = 0; i < size; i++) distribution.Logits[offset + i] = i == value ? 0 : -Gap;
        optimizer.Freeze(offset, size);
    }

    /// <summary>After a resume: freezes the committed blocks again (their logits come back with the checkpoint).</summary>
    public static void Refreeze(CategoricalSet distribution, PriorOptimizer optimizer, IEnumerable<int> committed)
    {
        foreach (int block in committed) optimizer.Freeze(distribution.Offset(block), distribution.Size(block));
    }
}
