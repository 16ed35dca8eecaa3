using Parsec.Autodiff;

namespace Parsec.Search.Prior;

/// <summary>
/// A product of categorical distributions ("blocks") parameterised by logits in one flat array, so an
/// optimiser can treat them as one vector. A block may be constrained to differ from one earlier,
/// unconstrained block (<c>distinctFrom</c>): it is then drawn from its softmax with that block's value
/// masked out, which is how DARTS-style distinct inputs per node are modelled. Sampling, log-probability,
/// its gradient, entropy and the mode are exact for both cases.
/// </summary>
public sealed class CategoricalSet
{
    private readonly int[] _sizes;
    private readonly int[] _offsets;
    private readonly int[] _distinctFrom; // -1: unconstrained
    private readonly List<int>[] _dependents;

    public CategoricalSet(IReadOnlyList<int> sizes, IReadOnlyList<int>? distinctFrom = null)
    {
        if (sizes.Count == 0) throw new ArgumentException("a categorical set needs at least one block");
        _sizes = sizes.ToArray();
        _offsets = new int[_sizes.Length];
        _distinctFrom = distinctFrom?.ToArray() ?? Enumerable.Repeat(-1, _sizes.Length).ToArray();
        if (_distinctFrom.Length != _sizes.Length) throw new ArgumentException($"{_distinctFrom.Length} constraints for {_sizes.Length} blocks");
        _dependents = new List<int>[_sizes.Length];
        int offset = 0;
        for (int b = 0; b < _sizes.Length; b++)
        {
            if (_sizes[b] < 1) throw new ArgumentException($"block {b} has {_sizes[b]} categories; it needs at least one");
            _offsets[b] = offset;
            offset += _sizes[b];
            _dependents[b] = [];
            int a = _distinctFrom[b];
            if (a == -1) continue;
            if (a < 0 || a >= b || _distinctFrom[a] != -1)
                throw new ArgumentException($"block {b} must differ from block {a}: that must be an earlier, unconstrained block");
            if (_sizes[b] != _sizes[a] || _sizes[b] < 2)
                throw new ArgumentException($"block {b} ({_sizes[b]} categories) must differ from block {a} ({_sizes[a]}): both need the same two or more categories");
            _dependents[a].Add(b);
        }
        Logits = new double[offset];
    }

    public int BlockCount => _sizes.Length;
    public int Size(int block) => _sizes[block];
    public int Offset(int block) => _offsets[block];
    public int DistinctFrom(int block) => _distinctFrom[block];

    /// <summary>theta: all blocks' logits, block after block. Uniform at zero.</summary>
    public double[] Logits { get; }

    /// <summary>softmax of one block's logits (its distribution when unconstrained).</summary>
    public double[] Probabilities(int block) => Softmax(block, excluded: -1);

    /// <summary>The block's distribution given the other choices: masked when it must differ from another block.</summary>
    public double[] ConditionalProbabilities(int block, IReadOnlyList<int> choices) =>
        Softmax(block, _distinctFrom[block] == -1 ? -1 : choices[_distinctFrom[block]]);

    public int[] Sample(Rng rng)
    {
        var choices = new int[_sizes.Length];
        for (int b = 0; b < _sizes.Length; b++)
        {
            var p = ConditionalProbabilities(b, choices);
            double u = rng.NextDouble(), cumulative = 0;
            int pick = -1;
            for (int i = 0; i < p.Length; i++)
            {
                if (p[i] <= 0) continue;
                pick = i; // the last category with mass absorbs rounding at the top of the cumulative sum
                cumulative += p[i];
                if (u < cumulative) break;
            }
            choices[b] = pick;
        }
        return choices;
    }

    public double LogProbability(IReadOnlyList<int> choices)
    {
        Check(choices);
        double logP = 0;
        for (int b = 0; b < _sizes.Length; b++) logP += Math.Log(ConditionalProbabilities(b, choices)[choices[b]]);
        return logP;
    }

    /// <summary>gradient += weight * d log p(choices) / d logits: per block onehot(choice) - (masked) softmax.</summary>
    public void AddScore(IReadOnlyList<int> choices, double weight, double[] gradient)
    {
        Check(choices);
        if (gradient.Length != Logits.Length) throw new ArgumentException($"the gradient has {gradient.Length} entries, the logits {Logits.Length}");
        for (int b = 0; b < _sizes.Length; b++)
        {
            var p = ConditionalProbabilities(b, choices);
            for (int i = 0; i < p.Length; i++)
                gradient[_offsets[b] + i] += weight * ((i == choices[b] ? 1.0 : 0.0) - p[i]);
        }
    }

    /// <summary>Entropy of the joint distribution in nats: per unconstrained block H(a) + sum over its dependents of E_a[H(b | a)].</summary>
    public double Entropy()
    {
        double h = 0;
        for (int a = 0; a < _sizes.Length; a++)
        {
            if (_distinctFrom[a] != -1) continue;
            var pa = Probabilities(a);
            h += EntropyOf(pa);
            foreach (int b in _dependents[a])
                for (int i = 0; i < pa.Length; i++)
                    if (pa[i] > 0) h += pa[i] * EntropyOf(Softmax(b, i));
        }
        return h;
    }

    /// <summary>The most likely joint choice: per unconstrained block the value that maximises its own and its dependents' best log-probabilities.</summary>
    public int[] Mode()
    {
        var choices = new int[_sizes.Length];
        for (int a = 0; a < _sizes.Length; a++)
        {
            if (_distinctFrom[a] != -1) continue;
            choices[a] = ArgMax(JointBest(a));
            foreach (int b in _dependents[a]) choices[b] = ArgMax(Softmax(b, choices[a]));
        }
        return choices;
    }

    /// <summary>
    /// For each value i of the unconstrained block <paramref name="block"/>: p(i) times the best conditional probability
    /// of each of its dependents given i, the largest joint probability any choice with that value reaches within the
    /// block's group. Its argmax is the block's value in the mode; for a block without dependents it is the block's softmax.
    /// </summary>
    public double[] JointBest(int block)
    {
        if (_distinctFrom[block] != -1) throw new ArgumentException($"block {block} depends on block {_distinctFrom[block]}; its best value is conditional on it");
        var score = Probabilities(block);
        for (int i = 0; i < score.Length; i++)
            foreach (int b in _dependents[block]) score[i] *= Softmax(b, i).Max();
        return score;
    }

    /// <summary>Every joint choice with its probability (for tests and tiny spaces; the count is the product of the block sizes).</summary>
    public IEnumerable<(int[] Choices, double Probability)> Enumerate()
    {
        var choices = new int[_sizes.Length];
        while (true)
        {
            if (IsValid(choices)) yield return ((int[])choices.Clone(), Math.Exp(LogProbability(choices)));
            int b = _sizes.Length - 1;
            while (b >= 0 && ++choices[b] == _sizes[b]) choices[b--] = 0;
            if (b < 0) yield break;
        }
    }

    private bool IsValid(int[] choices)
    {
        for (int b = 0; b < _sizes.Length; b++)
            if (_distinctFrom[b] != -1 && choices[b] == choices[_distinctFrom[b]]) return false;
        return true;
    }

    private void Check(IReadOnlyList<int> choices)
    {
        if (choices.Count != _sizes.Length) throw new ArgumentException($"{choices.Count} choices for {_sizes.Length} blocks");
        for (int b = 0; b < _sizes.Length; b++)
        {
            if (choices[b] < 0 || choices[b] >= _sizes[b])
                throw new ArgumentException($"block {b} has categories 0..{_sizes[b] - 1}, got {choices[b]}");
            if (_distinctFrom[b] != -1 && choices[b] == choices[_distinctFrom[b]])
                throw new ArgumentException($"block {b} must differ from block {_distinctFrom[b]}, both are {choices[b]}");
        }
    }

    private double[] Softmax(int block, int excluded)
    {
        int n = _sizes[block], offset = _offsets[block];
        double max = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
            if (i != excluded) max = Math.Max(max, Logits[offset + i]);
        var p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++)
            if (i != excluded) sum += p[i] = Math.Exp(Logits[offset + i] - max);
        for (int i = 0; i < n; i++) p[i] /= sum;
        return p;
    }

    private static double EntropyOf(double[] p)
    {
        double h = 0;
        foreach (double v in p)
            if (v > 0) h -= v * Math.Log(v);
        return h;
    }

    /// <summary>Index of the largest value (the first of equal ones).</summary>
    internal static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++)
            if (p[i] > p[best]) best = i;
        return best;
    }
}
