using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Engine;

[TestFixture]
public sealed class OptimizerTests
{
    private static Tensor Weight(IBackend backend, string name, double[] values, DType dtype = DType.Float64)
    {
        var w = Parameters.Create(backend, name, [values.Length], dtype);
        Initializers.Uniform(w, 0, 0, new Rng(1));
        if (dtype == DType.Float64) backend.CopyIn(w.Storage, values);
        else backend.CopyIn(w.Storage, Array.ConvertAll(values, v => (float)v));
        return w;
    }

    private static void SetGradient(Tensor w, double[] g)
    {
        if (w.DType == DType.Float64) w.Backend.CopyIn(w.Grad!.Storage, g);
        else w.Backend.CopyIn(w.Grad!.Storage, Array.ConvertAll(g, v => (float)v));
    }

    // w0 = 1, constant gradient 0.5, lr 0.1, momentum 0.9, weight decay 0.1:
    //   step 1: g = 0.5 + 0.1 * 1 = 0.6;         buf = 0.6;                   w = 1 - 0.06 = 0.94
    //   step 2: g = 0.5 + 0.094 = 0.594;         buf = 0.54 + 0.594 = 1.134;  w = 0.94 - 0.1134 = 0.8266
    //   step 3: g = 0.5 + 0.08266 = 0.58266;     buf = 1.0206 + 0.58266 = 1.60326; w = 0.8266 - 0.160326 = 0.666274
    [Test]
    public void SgdMatchesHandComputedSteps()
    {
        double[] expected = [0.94, 0.8266, 0.666274];
        using var backend = new CpuBackend();
        using var w = Weight(backend, "w", [1.0]);
        using var sgd = new Sgd([w], momentum: 0.9, weightDecay: 0.1);
        for (int step = 0; step < 3; step++)
        {
            SetGradient(w, [0.5]);
            sgd.Step(0.1);
            Assert.That(w.Item(), Is.EqualTo(expected[step]).Within(1e-12), $"step {step + 1}");
        }
        Assert.That(sgd.StepCount, Is.EqualTo(3));
        w.Grad!.Dispose();
    }

    [Test]
    public void PlainSgdIsAGradientStep()
    {
        using var backend = new CpuBackend();
        using var w = Weight(backend, "w", [1.0, -2.0], DType.Float32);
        using var sgd = new Sgd([w]);
        SetGradient(w, [0.5, -0.25]);
        sgd.Step(0.2);
        Assert.That(w.ToDoubleArray(), Is.EqualTo(new[] { 0.9, -1.95 }).Within(1e-6));
        w.Grad!.Dispose();
    }

    // lr 0.1, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, w0 = (1, -2), gradients
    // (0.5, -0.1), (-0.2, 0.3), (1.0, 0.05). Step 1 for w[0]: g = 0.51, m = 0.051, v = 0.0002601,
    // w = 1 - (0.1 / 0.1) * 0.051 / (sqrt(0.0002601 / 0.001) + 1e-8) = 0.9000000019607843.
    [Test]
    public void AdamMatchesHandComputedSteps()
    {
        double[][] gradients = [[0.5, -0.1], [-0.2, 0.3], [1.0, 0.05]];
        double[][] expected =
        [
            [0.9000000019607843, -1.9000000083333326],
            [0.8633641380701821, -1.9421356514540897],
            [0.7936961280319241, -1.9809094813051376],
        ];
        using var backend = new CpuBackend();
        using var w = Weight(backend, "w", [1.0, -2.0]);
        using var adam = new Adam([w], weightDecay: 0.01);
        for (int step = 0; step < 3; step++)
        {
            SetGradient(w, gradients[step]);
            adam.Step(0.1);
            Assert.That(w.ToDoubleArray(), Is.EqualTo(expected[step]).Within(1e-12), $"step {step + 1}");
        }
        w.Grad!.Dispose();
    }

    [Test]
    public void ZeroGradClearsEveryParameterGradient()
    {
        using var backend = new CpuBackend();
        using var a = Weight(backend, "a", [1.0, 2.0]);
        using var b = Weight(backend, "b", [3.0]);
        SetGradient(a, [5, 6]);
        SetGradient(b, [7]);
        using var sgd = new Sgd([a, b], momentum: 0.9);
        sgd.ZeroGrad();
        Assert.That(a.Grad!.ToDoubleArray(), Is.All.EqualTo(0));
        Assert.That(b.Grad!.ToDoubleArray(), Is.All.EqualTo(0));
        a.Grad.Dispose();
        b.Grad.Dispose();
    }

    [Test]
    public void StateIsCreatedInTheOptimizerCategory()
    {
        using var backend = new CpuBackend();
        using var w = Weight(backend, "w", [1.0, 2.0, 3.0], DType.Float32);
        using var adam = new Adam([w]);
        Assert.That(backend.Memory.Live(BufferCategory.OptimizerState), Is.EqualTo(0), "state is created at the first step");
        adam.Step(0.1);
        Assert.That(backend.Memory.Live(BufferCategory.OptimizerState), Is.EqualTo(2 * 3 * 4));
        adam.Dispose();
        Assert.That(backend.Memory.Live(BufferCategory.OptimizerState), Is.EqualTo(0));
        w.Grad!.Dispose();
    }

    [Test]
    public void ExportedStateResumesExactly([Values("sgd", "adam")] string algorithm, [Values(DType.Float32, DType.Float64)] DType dtype)
    {
        double[][] gradients = [[0.3, -0.7, 0.2], [-0.1, 0.4, 0.9], [0.6, 0.6, -0.5], [0.05, -0.2, 0.1]];
        Optimizer Make(Tensor w) => algorithm == "sgd" ? new Sgd([w], momentum: 0.9, weightDecay: 3e-4) : new Adam([w], weightDecay: 1e-3);
        using var backend = new CpuBackend();

        // Reference: four uninterrupted steps.
        using var reference = Weight(backend, "cell.w", [0.5, -1.5, 2.0], dtype);
        using (var optimizer = Make(reference))
            foreach (var g in gradients)
            {
                SetGradient(reference, g);
                optimizer.Step(0.05);
            }

        // Interrupted after two steps: save weights and state, restore both into fresh objects, continue.
        using var first = Weight(backend, "cell.w", [0.5, -1.5, 2.0], dtype);
        OptimizerState saved;
        using (var optimizer = Make(first))
        {
            for (int step = 0; step < 2; step++)
            {
                SetGradient(first, gradients[step]);
                optimizer.Step(0.05);
            }
            saved = optimizer.ExportState();
        }
        Assert.That(saved.Step, Is.EqualTo(2));
        Assert.That(saved.Algorithm, Is.EqualTo(algorithm));
        Assert.That(saved.Buffers.Keys, Is.EquivalentTo(algorithm == "sgd" ? new[] { "cell.w/momentum" } : new[] { "cell.w/exp_avg", "cell.w/exp_avg_sq" }));

        using var resumed = Weight(backend, "cell.w", first.ToDoubleArray(), dtype);
        using (var optimizer = Make(resumed))
        {
            optimizer.ImportState(saved);
            Assert.That(optimizer.StepCount, Is.EqualTo(2));
            for (int step = 2; step < 4; step++)
            {
                SetGradient(resumed, gradients[step]);
                optimizer.Step(0.05);
            }
        }
        Assert.That(resumed.ToDoubleArray(), Is.EqualTo(reference.ToDoubleArray()), "bit-identical to the uninterrupted run");
        foreach (var t in new[] { reference, first, resumed }) t.Grad!.Dispose();
    }

    [Test]
    public void ImportRejectsStateThatDoesNotFit()
    {
        using var backend = new CpuBackend();
        using var w = Weight(backend, "w", [1.0, 2.0]);
        using var adam = new Adam([w]);
        var wrongKind = new OptimizerState { Algorithm = "sgd" };
        Assert.That(Assert.Throws<ArgumentException>(() => adam.ImportState(wrongKind))!.Message, Does.Contain("sgd").And.Contain("adam"));
        var unknown = new OptimizerState { Algorithm = "adam", Step = 1, Buffers = { ["other/exp_avg"] = [0, 0] } };
        Assert.That(Assert.Throws<ArgumentException>(() => adam.ImportState(unknown))!.Message, Does.Contain("other/exp_avg"));
        var wrongLength = new OptimizerState { Algorithm = "adam", Step = 1, Buffers = { ["w/exp_avg"] = [0, 0, 0] } };
        Assert.That(Assert.Throws<ArgumentException>(() => adam.ImportState(wrongLength))!.Message, Does.Contain("3 values"));
        w.Grad!.Dispose();
    }

    [Test]
    public void ParametersMustBeNamedUniquelyAndHaveGradients()
    {
        using var backend = new CpuBackend();
        using var a = Weight(backend, "same", [1.0]);
        using var b = Weight(backend, "same", [2.0]);
        Assert.That(Assert.Throws<ArgumentException>(() => new Sgd([a, b]))!.Message, Does.Contain("same"));
        using var plain = Tensor.Zeros(backend, [1], DType.Float64, BufferCategory.Weights, "plain");
        Assert.That(Assert.Throws<ArgumentException>(() => new Adam([plain]))!.Message, Does.Contain("plain"));
        a.Grad!.Dispose();
        b.Grad!.Dispose();
    }
}
