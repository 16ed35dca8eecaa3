using Parsec.Autodiff;
using Parsec.Search.Estimator;

namespace Parsec.Tests.Search;

/// <summary>
/// Accumulates grad_w = sum_k omega_k grad_w(mean cross-entropy of sample k) in one pass over the K samples,
/// holding one architecture's activations and one gradient buffer per weight. With l_k the samples' scaled
/// log-likelihoods and m their running maximum, the weights' gradient buffers hold G = sum_k exp(l_k - m) g_k:
/// each sample back-propagates with seed exp(l_k - m); when a sample raises m, G is first rescaled by
/// exp(m_old - m_new). <see cref="Finish"/> divides by S = sum_k exp(l_k - m), leaving the weighted mean.
/// With <see cref="WeightGradient.Equal"/> every sample's seed is 1 and S is K: the plain mean of the K gradients.
/// The search ran its samples through this one after another until they moved to workers and
/// <see cref="SampleReduction"/>; it stays here as the independent reference the tests compare that with.
/// </summary>
internal sealed class WeightGradientAccumulator
{
    private readonly IReadOnlyList<Tensor> _weights;
    private readonly List<double> _logLikelihoods = [];
    private double _max = double.NegativeInfinity;
    private double _sum; // S, relative to _max
    private WeightGradient _mode;

    public WeightGradientAccumulator(IReadOnlyList<Tensor> weights) => _weights = weights;

    /// <summary>The log-likelihoods seen since <see cref="Begin"/>, in order.</summary>
    public IReadOnlyList<double> LogLikelihoods => _logLikelihoods;

    /// <summary>Zeroes the weights' gradients and forgets earlier samples; the samples that follow are weighted by <paramref name="mode"/>.</summary>
    public void Begin(WeightGradient mode = WeightGradient.Importance)
    {
        _mode = mode;
        foreach (var w in _weights) Parameters.ZeroGrad(w);
        _logLikelihoods.Clear();
        _max = double.NegativeInfinity;
        _sum = 0;
    }

    /// <summary>
    /// Registers sample k's log-likelihood (known after its forward pass) and returns the seed its backward
    /// pass must use so that its gradient joins G with the right weight.
    /// </summary>
    public double AddSample(double logLikelihood)
    {
        if (!double.IsFinite(logLikelihood)) throw new ArgumentException($"sample log-likelihood {logLikelihood} is not finite");
        _logLikelihoods.Add(logLikelihood);
        if (_mode == WeightGradient.Equal)
        {
            _sum += 1;
            return 1;
        }
        if (logLikelihood > _max)
        {
            if (_sum > 0)
            {
                double rescale = Math.Exp(_max - logLikelihood);
                foreach (var w in _weights) RescaleGradient(w, rescale);
                _sum *= rescale;
            }
            _max = logLikelihood;
        }
        double seed = Math.Exp(logLikelihood - _max);
        _sum += seed;
        return seed;
    }

    /// <summary>Divides the accumulated gradients by S, turning G into sum_k omega_k g_k. Returns the weights used (omega, or 1/K each).</summary>
    public double[] Finish()
    {
        if (_logLikelihoods.Count == 0) throw new InvalidOperationException("no sample was accumulated");
        foreach (var w in _weights) RescaleGradient(w, 1.0 / _sum);
        return _mode == WeightGradient.Equal
            ? Enumerable.Repeat(1.0 / _logLikelihoods.Count, _logLikelihoods.Count).ToArray()
            : ImportanceWeights.Normalize(_logLikelihoods);
    }

    private static void RescaleGradient(Tensor weight, double factor)
    {
        var g = weight.Grad ?? throw new InvalidOperationException($"{weight.Name} has no gradient buffer");
        g.Backend.Elementwise(new ScaleArgs(g.Storage, factor, g.Storage, accumulate: false));
    }
}
