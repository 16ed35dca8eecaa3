using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Search.Estimator;
using Parsec.Search.Model;
using Parsec.Search.Prior;
using Parsec.Search.Space;

namespace Parsec.Tests.Search;

public class EstimatorTests
{
    /// <summary>
    /// A space of 3 x 4 x 3 = 36 architectures (the last choice must differ from the second, as distinct inputs
    /// do) with a fixed table of log-likelihoods: the importance-weighted score estimate, averaged over many
    /// draws of K samples, matches the exact gradient of log sum_alpha p(y | alpha) p(alpha | theta) computed by
    /// enumeration, within 4 standard errors of the average on every logit. The estimate is self-normalised,
    /// so its bias falls as 1/K (at K = 16 it is about 0.02 on this table, which 4000 draws resolve); with
    /// K = 512 the bias is below the standard error of 400 draws and the average must agree with the exact value.
    /// </summary>
    [TestCase(512, 400)]
    public void PriorGradientEstimateMatchesTheExactGradientByEnumeration(int samples, int draws)
    {
        var set = new CategoricalSet([3, 4, 4], [-1, -1, 1]);
        var rng = new Rng(8);
        for (int i = 0; i < set.Logits.Length; i++) set.Logits[i] = 0.7 * rng.NextGaussian();
        var table = new Dictionary<string, double>();
        foreach (var (choices, _) in set.Enumerate()) table[Key(choices)] = 1.5 * rng.NextGaussian();
        double LogLikelihood(int[] choices) => table[Key(choices)];

        var exact = PriorGradient.Exact(set, LogLikelihood);
        var sum = new double[exact.Length];
        var sumOfSquares = new double[exact.Length];
        for (int d = 0; d < draws; d++)
        {
            var drawn = Enumerable.Range(0, samples).Select(_ => set.Sample(rng)).ToList();
            var estimate = PriorGradient.Estimate(set, drawn, drawn.Select(LogLikelihood).ToList());
            for (int i = 0; i < estimate.Length; i++)
            {
                sum[i] += estimate[i];
                sumOfSquares[i] += estimate[i] * estimate[i];
            }
        }
        for (int i = 0; i < exact.Length; i++)
        {
            double mean = sum[i] / draws;
            double standardError = Math.Sqrt((sumOfSquares[i] / draws - mean * mean) / (draws - 1));
            TestContext.Out.WriteLine($"logit {i}: exact {exact[i]:+0.0000;-0.0000} mean {mean:+0.0000;-0.0000} se {standardError:0.0000} z {(mean - exact[i]) / standardError:+0.00;-0.00;0.00}");
            Assert.That(Math.Abs(mean - exact[i]), Is.LessThan(4 * standardError + 1e-12), $"logit {i}");
        }
        Assert.That(exact.Select(Math.Abs).Max(), Is.GreaterThan(0.05), "the table must make the gradient non-trivial");

        static string Key(int[] c) => string.Join(",", c);
    }

    /// <summary>
    /// The one-pass accumulation (running log-sum-exp, rescaling the gradient buffers when the maximum grows)
    /// gives the same weight gradient as computing every sample's gradient separately and summing them with
    /// omega: real tape gradients of a tiny network in Float64, samples ordered so that the maximum grows at
    /// every sample (the rescaling path runs each time).
    /// </summary>
    [Test]
    public void RunningLogSumExpAccumulationEqualsTheTwoPassWeightedSum()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options(DType.Float64);
        using var onePass = Network.CreateShared(backend, options, new Rng(3));
        using var twoPass = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        using var tape = new Tape(backend);
        var prior = new ArchitecturePrior();
        var rng = new Rng(12);
        var architectures = Enumerable.Range(0, 5).Select(_ => prior.Sample(rng)).ToList();

        double LogLikelihood(Network network, Architecture a)
        {
            using (tape.NoGrad())
            {
                double l = tape.SoftmaxCrossEntropy(network.Forward(tape, images, a, ForwardMode.Training).Logits, labels).LogLikelihoodSum;
                tape.Reset();
                return l;
            }
        }
        architectures = architectures.OrderBy(a => LogLikelihood(twoPass, a)).ToList();

        // One pass.
        var (omega, logLikelihoods) = Accumulate(onePass, tape, images, labels, architectures, WeightGradient.Importance);
        Assert.That(logLikelihoods, Is.Ordered, "samples must come in increasing likelihood so that every one rescales");
        Assert.That(omega.Max(), Is.LessThan(0.999), "omega must not be one-hot, or the test shows little");

        // Two passes: each sample's gradient alone, then the omega-weighted sum.
        var expected = twoPass.Parameters.Weights.Select(w => new double[w.Length]).ToList();
        for (int k = 0; k < architectures.Count; k++)
        {
            foreach (var w in twoPass.Parameters.Weights) Parameters.ZeroGrad(w);
            var ce = tape.SoftmaxCrossEntropy(twoPass.Forward(tape, images, architectures[k], ForwardMode.Training).Logits, labels);
            Assert.That(ce.LogLikelihoodSum, Is.EqualTo(logLikelihoods[k]).Within(1e-12));
            tape.Backward(ce.Loss);
            tape.Reset();
            for (int p = 0; p < expected.Count; p++)
            {
                var g = twoPass.Parameters.Weights[p].Grad!.ToDoubleArray();
                for (int i = 0; i < g.Length; i++) expected[p][i] += omega[k] * g[i];
            }
        }
        AssertGradientsEqual(onePass, expected);
    }

    /// <summary>One pass of the accumulator over the architectures, in order: the weights it used and each sample's log-likelihood.</summary>
    internal static (double[] Weights, List<double> LogLikelihoods) Accumulate(Network network, Tape tape, Tensor images, Tensor labels,
        IReadOnlyList<Architecture> architectures, WeightGradient mode)
    {
        var accumulator = new WeightGradientAccumulator(network.Parameters.Weights);
        accumulator.Begin(mode);
        var logLikelihoods = new List<double>();
        foreach (var a in architectures)
        {
            var ce = tape.SoftmaxCrossEntropy(network.Forward(tape, images, a, ForwardMode.Training).Logits, labels);
            logLikelihoods.Add(ce.LogLikelihoodSum);
            tape.Backward(ce.Loss, accumulator.AddSample(ce.LogLikelihoodSum));
            tape.Reset();
        }
        return (accumulator.Finish(), logLikelihoods);
    }

    /// <summary>Every weight gradient of <paramref name="network"/> equals <paramref name="expected"/> to 1e-12 of the largest, which must be non-trivial.</summary>
    private static void AssertGradientsEqual(Network network, IReadOnlyList<double[]> expected)
    {
        double worst = 0, scale = 0;
        for (int p = 0; p < expected.Count; p++)
        {
            var actual = network.Parameters.Weights[p].Grad!.ToDoubleArray();
            for (int i = 0; i < actual.Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(actual[i] - expected[p][i]));
                scale = Math.Max(scale, Math.Abs(expected[p][i]));
            }
        }
        Assert.That(scale, Is.GreaterThan(1e-3));
        Assert.That(worst, Is.LessThan(1e-12 * Math.Max(1, scale)), $"largest difference {worst:E2} (gradients up to {scale:E2})");
    }

    /// <summary>
    /// With equal weights the accumulator holds the plain mean of the K per-sample gradients, whatever their
    /// likelihoods (real tape gradients of a tiny network in Float64).
    /// </summary>
    [Test]
    public void EqualWeightGradientIsThePlainMeanOfPerSampleGradients()
    {
        using var backend = TinyNetworks.Cpu();
        var options = TinyNetworks.Options(DType.Float64);
        using var network = Network.CreateShared(backend, options, new Rng(3));
        var (images, labels) = TinyNetworks.Batch(backend, options, batch: 6);
        using var tape = new Tape(backend);
        var prior = new ArchitecturePrior();
        var rng = new Rng(5);
        var architectures = Enumerable.Range(0, 4).Select(_ => prior.Sample(rng)).ToList();

        var expected = network.Parameters.Weights.Select(w => new double[w.Length]).ToList();
        foreach (var a in architectures)
        {
            foreach (var w in network.Parameters.Weights) Parameters.ZeroGrad(w);
            tape.Backward(tape.SoftmaxCrossEntropy(network.Forward(tape, images, a, ForwardMode.Training).Logits, labels).Loss);
            tape.Reset();
            for (int p = 0; p < expected.Count; p++)
            {
                var g = network.Parameters.Weights[p].Grad!.ToDoubleArray();
                for (int i = 0; i < g.Length; i++) expected[p][i] += g[i] / architectures.Count;
            }
        }

        var (weights, likelihoods) = Accumulate(network, tape, images, labels, architectures, WeightGradient.Equal);
        Assert.That(likelihoods.Distinct().Count(), Is.EqualTo(architectures.Count), "the samples' likelihoods differ, so importance weights would not be equal");
        Assert.That(weights, Is.All.EqualTo(1.0 / architectures.Count));
        AssertGradientsEqual(network, expected);
    }

    /// <summary>
    /// The mean baseline subtracts (1/K) sum_k score_k, whose expectation under pi is zero, so over many draws
    /// the two estimators agree on every logit (within 4 standard errors of their paired difference); with
    /// nearly flat likelihoods, where the score's sampling noise dominates, the baseline's variance is far lower.
    /// </summary>
    [Test]
    public void TheMeanBaselineKeepsTheExpectationAndCutsTheNoise()
    {
        var set = new CategoricalSet([3, 4, 4], [-1, -1, 1]);
        var rng = new Rng(9);
        for (int i = 0; i < set.Logits.Length; i++) set.Logits[i] = 0.5 * rng.NextGaussian();
        var table = set.Enumerate().ToDictionary(a => string.Join(",", a.Choices), _ => 0.05 * rng.NextGaussian());
        const int samples = 8, draws = 4000;
        int n = set.Logits.Length;
        double[] diffSum = new double[n], diffSquares = new double[n], plainSquares = new double[n], baselineSquares = new double[n];
        for (int d = 0; d < draws; d++)
        {
            var drawn = Enumerable.Range(0, samples).Select(_ => set.Sample(rng)).ToList();
            var l = drawn.Select(c => table[string.Join(",", c)]).ToList();
            var plain = PriorGradient.Estimate(set, drawn, l, PriorBaseline.None);
            var baseline = PriorGradient.Estimate(set, drawn, l, PriorBaseline.Mean);
            for (int i = 0; i < n; i++)
            {
                double diff = plain[i] - baseline[i];
                diffSum[i] += diff;
                diffSquares[i] += diff * diff;
                plainSquares[i] += plain[i] * plain[i];
                baselineSquares[i] += baseline[i] * baseline[i];
            }
        }
        for (int i = 0; i < n; i++)
        {
            double mean = diffSum[i] / draws;
            double standardError = Math.Sqrt((diffSquares[i] / draws - mean * mean) / (draws - 1));
            Assert.That(Math.Abs(mean), Is.LessThan(4 * standardError), $"logit {i}: the estimators' expectations differ");
        }
        Assert.That(baselineSquares.Sum(), Is.LessThan(0.1 * plainSquares.Sum()), "with flat likelihoods the baseline removes most of the noise");
    }

    [Test]
    public void ImportanceWeightsAreASoftmaxInLogSpace()
    {
        var omega = ImportanceWeights.Normalize([-1000.0, -1001.0, -1000.0]);
        Assert.That(omega.Sum(), Is.EqualTo(1).Within(1e-12));
        Assert.That(omega[0], Is.EqualTo(1 / (2 + Math.Exp(-1))).Within(1e-12));
        Assert.That(ImportanceWeights.Entropy([0.25, 0.25, 0.25, 0.25]), Is.EqualTo(Math.Log(4)).Within(1e-12));
        Assert.That(ImportanceWeights.EffectiveSampleSize([1.0, 0, 0]), Is.EqualTo(1));
    }
}
