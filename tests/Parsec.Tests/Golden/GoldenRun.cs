using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;

namespace Parsec.Tests.Golden;

/// <summary>
/// One golden case run on a fresh CPU backend in one element type: makes the case's tensors, seeds backward
/// with the case's upstream gradient and compares outputs and gradients. Comparisons are collected in an
/// NUnit multiple-assert scope, so a failing run reports every tensor that differs, not only the first.
/// </summary>
public sealed class GoldenRun : IDisposable
{
    private readonly List<Tensor> _made = [];
    private readonly Dictionary<string, Tensor> _differentiable = [];
    private readonly IDisposable _assertScope;

    public GoldenRun(string caseName, DType dtype)
    {
        Case = GoldenCase.Load(caseName);
        DType = dtype;
        // Poisoned buffers make a kernel that reads memory it should have written produce NaN, not a lucky zero.
        Backend = new CpuBackend(poisonNewBuffers: true);
        Tape = new Tape(Backend);
        _assertScope = Assert.EnterMultipleScope();
    }

    /// <summary>Every golden case runs in both float types: Float64 against the tight tolerance, Float32 against the loose one.</summary>
    public static readonly DType[] Precisions = [DType.Float64, DType.Float32];

    public GoldenCase Case { get; }
    public DType DType { get; }
    public CpuBackend Backend { get; }
    public Tape Tape { get; }

    /// <summary>A differentiable input of the case; its gradient is checked by <see cref="ExpectGradients"/>.</summary>
    public Tensor Input(string name)
    {
        var t = Parameters.RequireGrad(Make(Case.Input(name), BufferCategory.Inputs, name));
        _differentiable.Add(name, t);
        return t;
    }

    /// <summary>A trainable parameter of the case (persistent weight and gradient); its gradient is checked.</summary>
    public Tensor Param(string name)
    {
        var golden = Case.Param(name);
        var t = Parameters.Create(Backend, name, golden.Shape, DType);
        _made.Add(t.Grad!);
        _made.Add(t);
        Upload(t, golden.Data);
        _differentiable.Add(name, t);
        return t;
    }

    /// <summary>A persistent buffer of the case that an op reads and updates but does not differentiate (running statistics).</summary>
    public Tensor Buffer(string name) => Make(Case.Buffer(name), BufferCategory.Weights, name);

    public Tensor Labels(string name)
    {
        var t = Tensor.FromLabels(Backend, Case.Buffer(name).ToInts());
        _made.Add(t);
        return t;
    }

    /// <summary>Overwrites a tensor with golden values (a parameter owned by the code under test, a gradient buffer).</summary>
    public void Upload(Tensor t, double[] values)
    {
        if (values.Length != t.Length) throw new ArgumentException($"{t}: {values.Length} golden values for {t.Length} elements");
        if (t.DType == DType.Float64) Backend.CopyIn(t.Storage, values);
        else Backend.CopyIn(t.Storage, Array.ConvertAll(values, v => (float)v));
    }

    /// <summary>Registers a differentiable tensor made elsewhere (e.g. a module's parameter) under its golden name.</summary>
    public void Track(string name, Tensor t) => _differentiable.Add(name, t);

    public void ExpectOutput(string name, Tensor actual) => GoldenAssert.Close($"{Case.Name} {DType} output {name}", Case.Output(name), actual);

    public void ExpectOutput(string name, int[] shape, double[] actual) =>
        GoldenAssert.Close($"{Case.Name} {DType} output {name}", Case.Output(name), shape, actual, GoldenAssert.RelativeTolerance(DType));

    /// <summary>
    /// Back-propagates the golden upstream gradient of output y: loss = sum(y * upstream), built from tape ops
    /// (flatten, then a 1-output linear layer whose weight row is the upstream gradient), so dloss/dy = upstream.
    /// </summary>
    public void Backward(string outputName, Tensor y)
    {
        var upstream = Case.UpstreamOf(outputName);
        if (!upstream.Shape.SequenceEqual(y.Shape))
            throw new InvalidOperationException($"{Case.Name}: output {outputName} has shape ({string.Join(", ", y.Shape)}), its upstream gradient ({string.Join(", ", upstream.Shape)})");
        int length = checked((int)y.Length);
        var weightRow = Make(upstream with { Shape = [1, length] }, BufferCategory.Inputs, "upstream_row");
        var zeroBias = Make(new GoldenTensor([1], [0.0]), BufferCategory.Inputs, "zero_bias");
        var loss = Tape.Linear(Tape.Reshape(y, 1, length), weightRow, zeroBias);
        Tape.Backward(loss);
    }

    /// <summary>The usual check of a single-output op: its output y, then every gradient after back-propagating y's upstream gradient.</summary>
    public void ExpectOutputAndGradients(Tensor y)
    {
        ExpectOutput("y", y);
        Backward("y", y);
        ExpectGradients();
    }

    /// <summary>Compares the gradient of every input and parameter the case lists; each must have been made or tracked.</summary>
    public void ExpectGradients()
    {
        Assert.That(Case.Grads, Is.Not.Empty, $"{Case.Name}: the fixture lists no gradients");
        foreach (var (name, expected) in Case.Grads)
        {
            if (!_differentiable.TryGetValue(name, out var t))
            {
                Assert.Fail($"{Case.Name}: the fixture has a gradient for '{name}', which this test never made");
                continue;
            }
            if (t.Grad is null) Assert.Fail($"{Case.Name} {DType}: '{name}' received no gradient");
            else GoldenAssert.Close($"{Case.Name} {DType} gradient {name}", expected, t.Grad);
        }
    }

    private Tensor Make(GoldenTensor golden, BufferCategory category, string name)
    {
        var t = Tensor.FromArray(Backend, golden.Data, golden.Shape, DType, category, name);
        _made.Add(t);
        return t;
    }

    public void Dispose()
    {
        // Per-step buffers made here must be freed before the tape's reset ends the step.
        foreach (var t in _made) t.Dispose();
        Tape.Dispose();
        Backend.Dispose();
        _assertScope.Dispose();
    }
}
