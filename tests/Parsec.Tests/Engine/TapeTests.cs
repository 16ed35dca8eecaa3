using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class TapeTests
{
    /// <summary>sum(y) as a differentiable scalar: flatten, then a linear layer with unit weights.</summary>
    private static Tensor Sum(Tape tape, Tensor y, List<Tensor> constants)
    {
        var ones = TestData.Input(tape.Backend, Enumerable.Repeat(1.0, (int)y.Length).ToArray(), [1, (int)y.Length], "ones");
        var zero = Tensor.Zeros(tape.Backend, [1], y.DType, BufferCategory.Inputs, "zero");
        constants.Add(ones);
        constants.Add(zero);
        return tape.Linear(tape.Reshape(y, 1, (int)y.Length), ones, zero);
    }

    [Test]
    public void GradientsOfATensorFeedingTwoOpsAccumulate()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = Parameters.RequireGrad(TestData.Input(backend, [-2, -0.5, 0.5, 3], [4], "x"));
        var constants = new List<Tensor>();
        using var tape = new Tape(backend);
        var a = tape.Relu(x);
        var loss = Sum(tape, tape.Add(tape.Scale(a, 2), tape.Scale(a, 3)), constants);
        Assert.That(tape.Nodes.Select(n => n.Op), Is.EqualTo(new[] { "relu", "scale", "scale", "add", "reshape", "linear" }));
        Assert.That(tape.Nodes.Select(n => n.Index), Is.Ordered);
        tape.Backward(loss);
        // d/dx of 2 relu(x) + 3 relu(x): both paths meet at a, then pass relu's mask.
        Assert.That(x.Grad!.ToDoubleArray(), Is.EqualTo(new double[] { 0, 0, 5, 5 }));
        tape.Reset();
        constants.ForEach(c => c.Dispose());
    }

    [Test]
    public void ParameterGradientsAccumulateAcrossBackwardPassesUntilZeroed()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var w = Parameters.Create(backend, "w", [3], DType.Float64);
        backend.CopyIn(w.Storage, [1.0, -1, 2]);
        var constants = new List<Tensor>();
        using var tape = new Tape(backend);
        for (int pass = 1; pass <= 2; pass++)
        {
            tape.Backward(Sum(tape, tape.Scale(w, 1.5), constants));
            tape.Reset();
            Assert.That(w.Grad!.ToDoubleArray(), Is.All.EqualTo(1.5 * pass), $"after pass {pass}");
        }
        Parameters.ZeroGrad(w);
        Assert.That(w.Grad!.ToDoubleArray(), Is.All.EqualTo(0));
        constants.ForEach(c => c.Dispose());
        w.Grad!.Dispose();
    }

    [Test]
    public void ABranchThatDoesNotReachTheLossGetsNoGradient()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(91), [5], "x");
        var constants = new List<Tensor>();
        using var tape = new Tape(backend);
        var unused = tape.Scale(x, 7);
        var loss = Sum(tape, tape.Scale(x, 2), constants);
        tape.Backward(loss);
        Assert.That(unused.Grad, Is.Null);
        Assert.That(x.Grad!.ToDoubleArray(), Is.All.EqualTo(2));
        tape.Reset();
        constants.ForEach(c => c.Dispose());
    }

    [Test]
    public void NoGradRecordsNothing()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var w = TestData.Parameter(backend, new Rng(92), [2, 3, 5, 5], "w");
        using var tape = new Tape(backend);
        var constants = new List<Tensor>();
        Tensor y, loss;
        using (tape.NoGrad())
        {
            Assert.That(tape.IsRecording, Is.False);
            y = tape.Relu(tape.Scale(w, 2));
            loss = Sum(tape, y, constants);
        }
        Assert.That(tape.IsRecording, Is.True);
        Assert.That(tape.Nodes, Is.Empty);
        Assert.That(y.RequiresGrad, Is.False);
        var error = Assert.Throws<InvalidOperationException>(() => tape.Backward(loss));
        Assert.That(error!.Message, Does.Contain("NoGrad"));
        tape.Reset();
        constants.ForEach(c => c.Dispose());
        w.Grad!.Dispose();
    }

    [Test]
    public void LifetimePlanPeakOfASmallChainMatchesAHandCount()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var p = Parameters.Create(backend, "p", [2, 3], DType.Float64); // 48 bytes, persistent: not planned
        using var tape = new Tape(backend);
        var a = tape.Relu(p);      // node 0, saves its output a
        var b = tape.Scale(a, 2);  // node 1
        tape.Relu(b);              // node 2, output c is unconsumed
        // Times 0..5; node i's backward is at 5 - i. Lifetimes (inclusive):
        //   a [0, 5] (saved by node 0's backward)   da [4, 5]
        //   b [1, 2] (last used by node 2)          db [3, 4]
        //   c [2, 5] (unconsumed: to the end)       dc [3, 3]
        // Live bytes per time: 48, 96, 144, 192 (a c db dc), 192 (a c db da), 144.
        var plan = tape.PlanLifetimes();
        Assert.That(plan.TimeSteps, Is.EqualTo(6));
        Assert.That(plan.Buffers, Has.Count.EqualTo(6));
        Assert.That(plan.PeakBytes(), Is.EqualTo(192));
        var atPeak = plan.BytesAtPeakByCategory();
        Assert.That(atPeak[BufferCategory.Activations], Is.EqualTo(96));
        Assert.That(atPeak[BufferCategory.ActivationGradients], Is.EqualTo(96));
        p.Grad!.Dispose();
    }

    [Test]
    public void BackwardReleasesBuffersAndResetFreesTheStep()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        var stats = backend.Memory;
        using var x = TestData.Input(backend, TestData.Uniform(new Rng(93), 2 * 4 * 9 * 9), [2, 4, 9, 9], "x");
        using var w = TestData.Parameter(backend, new Rng(94), [4, 1, 3, 3], "w");
        var constants = new List<Tensor>();
        using var tape = new Tape(backend);
        var h = x;
        for (int i = 0; i < 6; i++) h = tape.Scale(tape.Conv2d(h, w, padding: 1, groups: 4), 0.5);
        var loss = Sum(tape, h, constants);
        long activationsBefore = stats.Live(BufferCategory.Activations);
        tape.Backward(loss);
        long activationsAfter = stats.Live(BufferCategory.Activations);
        Assert.That(activationsAfter, Is.LessThan(activationsBefore / 4), "the chain's activations are dead once their consumers' backward ran");
        Assert.That(stats.Live(BufferCategory.ActivationGradients), Is.LessThan(stats.Peak(BufferCategory.ActivationGradients)),
            "activation gradients are freed once their producer's backward ran");
        Assert.That(stats.StepPeakBytes, Is.GreaterThan(activationsBefore));

        tape.Reset();
        Assert.That(stats.Live(BufferCategory.Activations), Is.EqualTo(0));
        Assert.That(stats.Live(BufferCategory.ActivationGradients), Is.EqualTo(0));
        Assert.That(stats.StepPeakBytes, Is.EqualTo(stats.LivePerStepBytes), "Reset starts a new step peak");
        Assert.That(w.Grad, Is.Not.Null, "parameter gradients are persistent");
        constants.ForEach(c => c.Dispose());
        w.Grad!.Dispose();
    }

    [Test]
    public void KeptTensorsSurviveBackward()
    {
        using var backend = new CpuBackend(poisonNewBuffers: true);
        using var x = TestData.DifferentiableInput(backend, new Rng(95), [3], "x");
        var constants = new List<Tensor>();
        using var tape = new Tape(backend);
        var kept = tape.Keep(tape.Scale(x, 3));
        var loss = Sum(tape, tape.Relu(kept), constants);
        tape.Backward(loss);
        Assert.That(kept.Storage.IsDisposed, Is.False);
        Assert.That(kept.ToDoubleArray(), Is.EqualTo(x.ToDoubleArray().Select(v => 3 * v)).Within(1e-15));
        tape.Reset();
        Assert.That(kept.Storage.IsDisposed, Is.True);
        constants.ForEach(c => c.Dispose());
    }

    [Test]
    public void ShapeMismatchesAreReportedWithTheShapes()
    {
        using var backend = new CpuBackend();
        var rng = new Rng(96);
        using var a = TestData.DifferentiableInput(backend, rng, [2, 3, 4, 4], "a");
        using var b = TestData.DifferentiableInput(backend, rng, [2, 3, 4, 5], "b");
        using var w = TestData.Parameter(backend, rng, [5, 2, 3, 3], "w");
        using var lw = TestData.Parameter(backend, rng, [4, 7], "lw");
        using var lb = TestData.Parameter(backend, rng, [4], "lb");
        using var tape = new Tape(backend);
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Add(a, b))!.Message, Does.Contain("(2, 3, 4, 4)").And.Contain("(2, 3, 4, 5)"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Conv2d(a, w))!.Message, Does.Contain("2 input channels").And.Contain("needs 3"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Linear(tape.Reshape(a, 2, 48), lw, lb))!.Message, Does.Contain("(2, 48)").And.Contain("(4, 7)"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.ConcatChannels(a, b))!.Message, Does.Contain("(2, 3, 4, 5)"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Reshape(a, 5, 5))!.Message, Does.Contain("(5, 5)"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Backward(a))!.Message, Does.Contain("scalar"));
        Assert.That(Assert.Throws<ArgumentException>(() => tape.Pool2d(a, PoolKind.Max, 3, 1, 2))!.Message, Does.Contain("padding"));
        tape.Reset();
        w.Grad!.Dispose();
        lw.Grad!.Dispose();
        lb.Grad!.Dispose();
    }
}
