using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Data.Generated;
using Parsec.Search.Estimator;
using Parsec.Search.Loop;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class WeightSamplingTests
{
    /// <summary>
    /// After the warm-up, with pi concentrated on one op in every op choice: --weight-sampling pi trains the weights on
    /// pi's first samples (that op only); uniform trains them on uniformly drawn architectures (every op, chi-square);
    /// mixed does each for every other sample; the samples that score pi always come from pi.
    /// </summary>
    [TestCase(WeightSampling.Pi)]
    [TestCase(WeightSampling.Uniform)]
    [TestCase(WeightSampling.Mixed)]
    public void AfterTheWarmupTheWeightsTrainOnTheChosenSamples(WeightSampling sampling)
    {
        var data = OrientedTextures.Generate(new GeneratedDatasetOptions(Count: 96, ImageSize: 8, Seed: 3));
        var options = new SearchOptions
        {
            Channels = 4, Layers = 3, BatchSize = 8, Samples = 8, WeightSamples = 4, Iterations = 40, WarmupFraction = 0.25,
            PriorLearningRate = 1e-6, Seed = 5, WeightSampling = sampling,
        };
        using var backend = new CpuBackend();
        using var session = new SearchSession(options, backend, data);
        while (session.InWarmup) session.Step();

        var prior = session.Prior;
        var logits = (double[])prior.Logits.Clone();
        const int favoured = 2;
        foreach (var type in new[] { CellType.Normal, CellType.Reduce })
            for (int term = 0; term < prior.Space.Terms; term++)
                logits[OpLogitIndex(prior, type, term, favoured)] = 40;
        prior.SetLogits(logits);

        var trained = new List<Architecture>();
        var scored = new List<Architecture>();
        for (int i = 0; i < 20; i++)
        {
            session.Step();
            Assert.That(session.LastWeightArchitectures, Has.Count.EqualTo(4));
            trained.AddRange(session.LastWeightArchitectures);
            scored.AddRange(session.LastArchitectures);
        }

        static IEnumerable<int> Ops(IEnumerable<Architecture> architectures) => architectures.SelectMany(a => a.Normal.Concat(a.Reduce)).Select(t => t.Op);
        Assert.That(Ops(scored), Is.All.EqualTo(favoured), "the samples that score pi come from pi");
        // Mixed: the 1st and 3rd of each iteration's 4 come from pi, the 2nd and 4th are uniform.
        var fromPi = trained.Where((_, i) => !sampling.DrawsUniformly(i % 4)).ToList();
        var uniform = trained.Where((_, i) => sampling.DrawsUniformly(i % 4)).ToList();
        Assert.That(uniform, Has.Count.EqualTo(sampling switch { WeightSampling.Pi => 0, WeightSampling.Mixed => 40, _ => 80 }));
        Assert.That(Ops(fromPi), Is.All.EqualTo(favoured), "pi's samples train the weights");
        if (uniform.Count > 0)
        {
            int ops = SearchSpace.Darts.Ops.Count;
            Statistics.AssertChiSquare(Ops(uniform).ToList(), Enumerable.Repeat(1.0 / ops, ops).ToArray(), "operations that trained the weights");
        }
    }

    private static int OpLogitIndex(Parsec.Search.Prior.ArchitecturePrior prior, CellType type, int term, int op) =>
        prior.Distribution.Offset(prior.OpBlock(type, term)) + op;
}
