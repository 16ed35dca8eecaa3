using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>The classifier head against PyTorch: linear with bias, and softmax cross-entropy (mean loss, per-example log-likelihoods).</summary>
[TestFixture]
public sealed class DenseGoldenTests
{
    [Test]
    public void LinearMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("linear", dtype);
        run.ExpectOutputAndGradients(run.Tape.Linear(run.Input("x"), run.Param("w"), run.Param("b")));
    }

    /// <summary>The upstream gradient of the loss is a scalar other than 1, so the backward seed's scaling is checked too.</summary>
    [Test]
    public void SoftmaxCrossEntropyMatchesPyTorch([ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun("softmax_cross_entropy", dtype);
        var result = run.Tape.SoftmaxCrossEntropy(run.Input("logits"), run.Labels("labels"));
        run.ExpectOutput("loss", result.Loss);
        run.ExpectOutput("log_likelihoods", [result.LogLikelihoods.Length], result.LogLikelihoods);
        run.Tape.Backward(result.Loss, seed: run.Case.UpstreamOf("loss").Data.Single());
        run.ExpectGradients();
    }
}
