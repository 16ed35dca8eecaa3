using NUnit.Framework;
using Parsec.Autodiff;

namespace Parsec.Tests.Golden;

/// <summary>
/// Sgd, Adam, CosineSchedule and GradientClipping against torch.optim and clip_grad_norm_: the same initial
/// weights, a fixed sequence of gradients and a learning rate that changes between steps; the weights are
/// compared after every step.
/// </summary>
[TestFixture]
public sealed class OptimizerGoldenTests
{
    [Test]
    public void SgdMatchesPyTorch([Values("sgd_momentum")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        var parameters = MakeParameters(run);
        using var sgd = new Sgd(parameters, c.Double("momentum"), c.Double("weight_decay"));
        RunSteps(run, parameters, sgd);
    }

    [Test]
    public void AdamMatchesPyTorch([Values("adam_beta1_09", "adam_beta1_05")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var c = run.Case;
        var parameters = MakeParameters(run);
        using var adam = new Adam(parameters, c.Double("beta1"), c.Double("beta2"), c.Double("epsilon"), c.Double("weight_decay"));
        RunSteps(run, parameters, adam);
    }

    /// <summary>The schedule is host arithmetic in double, so only the tight tolerance applies.</summary>
    [Test]
    public void CosineScheduleMatchesPyTorch()
    {
        using var run = new GoldenRun("cosine_schedule", DType.Float64);
        var c = run.Case;
        var schedule = new CosineSchedule(c.Double("base_lr"), c.Int("t_max"), c.Double("eta_min"));
        var rates = Enumerable.Range(0, c.Int("t_max") + 1).Select(schedule.LearningRate).ToArray();
        run.ExpectOutput("lr", [rates.Length], rates);
    }

    [Test]
    public void ClipGradNormMatchesPyTorch([Values("clip_grad_norm_clipped", "clip_grad_norm_unclipped")] string caseName,
        [ValueSource(typeof(GoldenRun), nameof(GoldenRun.Precisions))] DType dtype)
    {
        using var run = new GoldenRun(caseName, dtype);
        var parameters = MakeParameters(run);
        foreach (var p in parameters) run.Upload(p.Grad!, run.Case.Buffer($"grad/{p.Name}").Data);
        double total = GradientClipping.ClipByGlobalNorm(parameters, run.Case.Double("max_norm"));
        run.ExpectOutput("total_norm", [1], [total]);
        foreach (var p in parameters) run.ExpectOutput($"grad/{p.Name}", p.Grad!);
    }

    private static List<Tensor> MakeParameters(GoldenRun run)
    {
        Assert.That(run.Case.Params, Is.Not.Empty, $"{run.Case.Name}: the fixture lists no parameters");
        return run.Case.Params.Keys.Select(run.Param).ToList();
    }

    /// <summary>Per step: load that step's gradients, step with that step's rate, compare every weight.</summary>
    private static void RunSteps(GoldenRun run, IReadOnlyList<Tensor> parameters, Optimizer optimizer)
    {
        var rates = run.Case.Doubles("learning_rates");
        for (int step = 0; step < rates.Length; step++)
        {
            foreach (var p in parameters) run.Upload(p.Grad!, run.Case.Buffer($"grad/{step}/{p.Name}").Data);
            optimizer.Step(rates[step]);
            foreach (var p in parameters) run.ExpectOutput($"param/{step}/{p.Name}", p);
        }
    }
}
