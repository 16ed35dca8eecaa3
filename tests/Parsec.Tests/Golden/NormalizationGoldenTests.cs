using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>
/// Tape.BatchNorm2d against F.batch_norm, and Tape.BatchNormRelu2d against F.relu(F.batch_norm(...)): output, running
/// statistics after the step, and gradients in training mode.
/// </summary>
[TestFixture]
public sealed class NormalizationGoldenTests
{
    [Test]
    public void BatchNormMatchesPyTorch(
        [Values("batch_norm_train_affine", "batch_norm_train_plain", "batch_norm_eval_affine", "batch_norm_eval_plain",
            "batch_norm_relu_train_affine", "batch_norm_relu_train_plain", "batch_norm_relu_eval_affine")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        bool affine = c.Params.Count > 0;
        var mode = c.Bool("training") ? NormMode.Training : NormMode.Evaluation;
        var runningMean = run.Buffer("running_mean");
        var runningVar = run.Buffer("running_var");
        var gamma = affine ? run.Param("gamma") : null;
        var beta = affine ? run.Param("beta") : null;
        var y = c.Op == "batch_norm_relu"
            ? run.Tape.BatchNormRelu2d(run.Input("x"), gamma, beta, runningMean, runningVar, mode, c.Double("momentum"), c.Double("epsilon"))
            : run.Tape.BatchNorm2d(run.Input("x"), gamma, beta, runningMean, runningVar, mode, c.Double("momentum"), c.Double("epsilon"));
        run.ExpectOutput("y", y);
        // Training updates the statistics with the unbiased variance; evaluation must leave them as they were.
        run.ExpectOutput("running_mean", runningMean);
        run.ExpectOutput("running_var", runningVar);
        if (mode == NormMode.Evaluation) return; // evaluation-mode norm records no node: nothing to back-propagate
        run.Backward("y", y);
        run.ExpectGradients();
    }
}
