using Parsec.Autodiff;
using Parsec.Search.Estimator;
using Parsec.Search.Prior;

namespace Parsec.Search.Loop;

/// <summary>
/// How large a choice's margin over its runner-up could grow by chance alone. The search's pi gradient pairs K
/// sampled architectures with K importance weights; replaying the same prior updates (optimizer, step size,
/// estimator, number of iterations) with the run's own importance weights but freshly drawn architectures
/// breaks every link between an architecture and its likelihood while keeping the noise of the estimate. The
/// margins those null runs reach are the noise floor: a real margin above their 95th percentile is a
/// decision, one below it could be noise. Margins are pooled over blocks of the same size (7 operations;
/// 2, 3, 4 or 5 inputs), which share a null distribution. A cost-aware search's cost term is no noise but it is
/// no evidence from the data either, so the null runs apply it too (with their own multiplier): a margin the cost
/// alone would have opened is not a decision (the parameter-free operations cost the same, but a reduction cell's
/// inputs do not: a skip from a cell input is a factorized reduction, with weights).
/// </summary>
internal static class DecisionNoise
{
    public const int DefaultReplays = 20;
    public const double Quantile = 0.95;

    /// <summary>The settings of the prior updates to replay.</summary>
    /// <param name="Omegas">The importance weights of the pi gradient, one vector of K per logged iteration after the warm-up; they are cycled to fill <paramref name="Iterations"/>.</param>
    /// <param name="Iterations">The pi updates the search made.</param>
    /// <param name="InitialLogits">Where pi started (zeros, or a transferred prior).</param>
    /// <param name="Space">The space pi was learnt over; null: the DARTS space.</param>
    /// <param name="Cost">The cost term of a cost-aware search; null without one. Each null run restarts it (<see cref="SearchCost.Restarted"/>), so its multiplier here is not used.</param>
    public sealed record Replay(TermInputs TermInputs, PriorOptimizerOptions Optimizer, PriorBaseline Baseline,
        IReadOnlyList<double[]> Omegas, int Iterations, double[]? InitialLogits = null, Space.SearchSpace? Space = null,
        SearchCost? Cost = null)
    {
        /// <summary>The replay of a search with <paramref name="options"/> (resolved) and <paramref name="cost"/> (its cost term, when it is cost-aware) after <paramref name="iterations"/> pi updates with these importance weights.</summary>
        public static Replay Of(SearchOptions options, IReadOnlyList<double[]> omegas, int iterations, SearchCost? cost) => new(options.TermInputs,
            new PriorOptimizerOptions(options.PriorLearningRate!.Value, options.PriorBeta1, options.PriorBeta2, options.PriorWeightDecay),
            options.PriorBaseline, omegas, iterations, options.PriorFrom is { } from ? PriorJson.Load(from).Logits : null, options.Space, cost);
    }

    /// <summary>The <paramref name="quantile"/> (default the 95th percentile) of the null margin (top probability minus the runner-up's) per block size.</summary>
    public static IReadOnlyDictionary<int, double> Thresholds(Replay replay, int replays = DefaultReplays, ulong seed = 0, double quantile = Quantile)
    {
        if (replay.Omegas.Count == 0 || replay.Iterations < 1) throw new ArgumentException("the noise estimate needs the importance weights of at least one pi update");
        var margins = new Dictionary<int, List<double>>();
        var master = new Rng(seed);
        for (int r = 0; r < replays; r++)
        {
            var prior = NullRun(replay, master.Fork());
            for (int block = 0; block < prior.Distribution.BlockCount; block++)
            {
                int size = prior.Distribution.Size(block);
                if (!margins.TryGetValue(size, out var list)) margins[size] = list = [];
                list.Add(Margin(prior.Distribution.Probabilities(block)));
            }
        }
        return margins.ToDictionary(m => m.Key, m => Percentile(m.Value, quantile));
    }

    /// <summary>Top probability minus the runner-up's.</summary>
    public static double Margin(IReadOnlyList<double> probabilities)
    {
        var sorted = probabilities.OrderByDescending(p => p).ToArray();
        return sorted.Length < 2 ? 1 : sorted[0] - sorted[1];
    }

    private static ArchitecturePrior NullRun(Replay replay, Rng rng)
    {
        var prior = new ArchitecturePrior(replay.TermInputs, replay.Space);
        if (replay.InitialLogits is { } initial) prior.SetLogits(initial);
        var optimizer = new PriorOptimizer(prior, replay.Optimizer);
        var cost = replay.Cost?.Restarted();
        for (int t = 0; t < replay.Iterations; t++)
        {
            var omega = replay.Omegas[t % replay.Omegas.Count];
            var samples = Enumerable.Range(0, omega.Length).Select(_ => prior.Distribution.Sample(rng)).ToList();
            var gradient = PriorGradient.FromWeights(prior.Distribution, samples, omega, replay.Baseline);
            cost?.Apply(prior, gradient);
            optimizer.Step(gradient);
        }
        return prior;
    }

    private static double Percentile(List<double> values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        double position = q * (sorted.Length - 1);
        int low = (int)Math.Floor(position), high = (int)Math.Ceiling(position);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}
