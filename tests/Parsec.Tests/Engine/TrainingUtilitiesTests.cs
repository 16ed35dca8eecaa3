using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class TrainingUtilitiesTests
{
    [Test]
    public void CosineScheduleFollowsTheClosedForm()
    {
        var schedule = new CosineSchedule(0.025, 50, 0.001);
        Assert.That(schedule.LearningRate(0), Is.EqualTo(0.025).Within(1e-15));
        Assert.That(schedule.LearningRate(25), Is.EqualTo(0.013).Within(1e-15), "halfway: the mean of base and minimum");
        Assert.That(schedule.LearningRate(50), Is.EqualTo(0.001).Within(1e-15));
        Assert.That(schedule.LearningRate(10), Is.EqualTo(0.001 + 0.024 * (1 + Math.Cos(Math.PI / 5)) / 2).Within(1e-15));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CosineSchedule(0.1, 0));
    }

    [Test]
    public void ClipByGlobalNormScalesOnlyWhenAboveTheLimit()
    {
        using var backend = new CpuBackend();
        using var a = Parameters.Create(backend, "a", [2], DType.Float64);
        using var b = Parameters.Create(backend, "b", [1], DType.Float64);
        backend.CopyIn(a.Grad!.Storage, [3.0, 0]);
        backend.CopyIn(b.Grad!.Storage, [4.0]);
        // Total norm 5; limit 10 leaves the gradients alone.
        Assert.That(GradientClipping.ClipByGlobalNorm([a, b], 10), Is.EqualTo(5).Within(1e-12));
        Assert.That(a.Grad.ToDoubleArray(), Is.EqualTo(new[] { 3.0, 0 }));
        // Limit 1: coefficient 1 / (5 + 1e-6).
        Assert.That(GradientClipping.ClipByGlobalNorm([a, b], 1), Is.EqualTo(5).Within(1e-12));
        double coefficient = 1 / (5 + 1e-6);
        Assert.That(a.Grad.ToDoubleArray(), Is.EqualTo(new[] { 3 * coefficient, 0 }).Within(1e-15));
        Assert.That(b.Grad.ToDoubleArray()[0], Is.EqualTo(4 * coefficient).Within(1e-15));
        // One norm over gradients of one element type: a bank that mixes Float32 and Float64 is refused by name.
        using var c = Parameters.Create(backend, "c", [1], DType.Float32);
        Assert.That(() => GradientClipping.ClipByGlobalNorm([a, c], 1), Throws.ArgumentException.With.Message.Contains("SumOfSquaresMany"));
        a.Grad.Dispose();
        b.Grad.Dispose();
        c.Grad!.Dispose();
    }

    [Test]
    public void DefaultInitializationDrawsWithinPyTorchBounds()
    {
        using var backend = new CpuBackend();
        using var conv = Parameters.Create(backend, "conv", [16, 4, 3, 3], DType.Float32);
        using var bias = Parameters.Create(backend, "bias", [16], DType.Float32);
        var rng = new Rng(3);
        Initializers.DefaultWeight(conv, rng);
        Initializers.DefaultBias(bias, Initializers.FanIn(conv.Shape), rng);
        double bound = 1 / Math.Sqrt(36);
        var w = conv.ToDoubleArray();
        Assert.That(w, Is.All.InRange(-bound, bound));
        Assert.That(w.Max(), Is.GreaterThan(0.9 * bound), "uniform over the whole interval");
        Assert.That(w.Min(), Is.LessThan(-0.9 * bound));
        Assert.That(Math.Abs(w.Average()), Is.LessThan(0.1 * bound));
        Assert.That(bias.ToDoubleArray(), Is.All.InRange(-bound, bound));

        // A seed fixes the values.
        using var again = Parameters.Create(backend, "again", [16, 4, 3, 3], DType.Float32);
        Initializers.DefaultWeight(again, new Rng(3));
        Assert.That(again.ToDoubleArray(), Is.EqualTo(w));

        Assert.That(Initializers.FanIn([10, 7]), Is.EqualTo(7), "linear (out, in)");
        foreach (var p in new[] { conv, bias, again }) p.Grad!.Dispose();
    }
}
