using Parsec.Search;
using Parsec.Search.Model.Layers;
using System.Text.RegularExpressions;
using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Model;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;
using Parsec.Tests.Tooling;

namespace Parsec.Tests.Search;

/// <summary>
/// Each primitive is declared once (Space/Primitives.cs); the op, its ONNX form and its colour derive from the
/// declaration, and the Python mirrors (the PyTorch bench reference and the weights interop) agree with it.
/// </summary>
[TestFixture]
internal sealed class PrimitiveDeclarationTests
{
    [Test]
    public void EveryDeclaredPrimitiveIsOneTheEngineBuildsWithItsOwnNameAndColour()
    {
        foreach (var primitive in Primitives.Declared)
            Assert.That(primitive.Problem(), Is.Null, primitive.Name);
        Assert.That(Primitives.All, Is.Unique);
        Assert.That(Primitives.Declared.Select(p => p.Colour), Is.Unique.And.All.Match("^#[0-9a-f]{6}$"));
        Assert.That(Primitives.Get(Primitives.DilConv5x5), Is.EqualTo(new Primitive("dil_conv_5x5", OpFamily.DilatedConvolution, 5, 2, "#a1d99b")));
        Assert.That(() => Primitives.Get("sep_conv_9x9"), Throws.TypeOf<BadInputException>().With.Message.Contains("unknown operation 'sep_conv_9x9'; expected one of: max_pool_3x3"));
    }

    [TestCase(OpFamily.SeparableConvolution, 4, 1, "kernel 4 must be odd and positive")]
    [TestCase(OpFamily.MaxPool, 5, 1, "pools are 3x3, not 5x5")]
    [TestCase(OpFamily.SeparableConvolution, 3, 2, "only a dilated convolution has a dilation other than 1")]
    [TestCase(OpFamily.DilatedConvolution, 3, 1, "a dilated convolution needs a dilation of at least 2")]
    public void ADeclarationTheEngineCannotBuildIsNamed(OpFamily family, int kernel, int dilation, string problem) =>
        Assert.That(new Primitive("bad_op", family, kernel, dilation, "#000000").Problem(), Is.EqualTo($"primitive 'bad_op': {problem}"));

    /// <summary>
    /// A primitive declared here and nowhere else, NASNet's sep_conv_7x7 and a dilated 7x7, is built from its
    /// declaration alone: parameters as its family and kernel say, the size kept at stride 1 and halved at stride 2.
    /// </summary>
    [TestCase(OpFamily.SeparableConvolution, 1, 2)]
    [TestCase(OpFamily.DilatedConvolution, 2, 1)]
    public void APrimitiveDeclaredOnlyHereIsBuiltFromItsDeclaration(OpFamily family, int dilation, int blocks)
    {
        const int channels = 4;
        var primitive = new Primitive("test_conv_7x7", family, 7, dilation, "#08306b");
        Assert.That(primitive.Problem(), Is.Null);
        using var backend = new CpuBackend();
        foreach (int stride in new[] { 1, 2 })
        {
            using var store = new ParameterStore(backend, DType.Float32, new Rng(3));
            var op = OpFactory.Create(primitive, new OpSpec(new ModuleScope(store, $"s{stride}"), channels, stride, NetworkPhase.Evaluation));
            // Each block: a depthwise 7x7 (C * 49), a pointwise 1x1 (C * C) and an affine batch norm (2 C).
            Assert.That(store.WeightElementCount, Is.EqualTo(blocks * (channels * 49 + channels * channels + 2 * channels)));
            using var tape = new Tape(backend);
            using var x = Tensor.FromArray(backend, Enumerable.Range(0, 2 * channels * 12 * 12).Select(i => (float)Math.Sin(i)).ToArray(), [2, channels, 12, 12]);
            var y = op.Forward(tape, x, NormMode.Training);
            Assert.That(y.Shape, Is.EqualTo(new[] { 2, channels, 12 / stride, 12 / stride }));
            tape.Reset();
        }
    }

    /// <summary>
    /// NASNet's conv_7x1_1x7, a primitive whose family has rectangular kernels: a 1x7 and a 7x1 convolution, both C to C
    /// (C * C * 7 each), and an affine batch norm (2 C); the size kept at stride 1 and halved at stride 2.
    /// </summary>
    [Test]
    public void TheAsymmetricConvolutionIsBuiltFromItsDeclaration()
    {
        const int channels = 4;
        var primitive = Primitives.Get(Primitives.Conv7x1And1x7);
        Assert.That(primitive, Is.EqualTo(new Primitive("conv_7x1_1x7", OpFamily.AsymmetricConvolution, 7, 1, "#9467bd")));
        using var backend = new CpuBackend();
        foreach (int stride in new[] { 1, 2 })
        {
            using var store = new ParameterStore(backend, DType.Float32, new Rng(3));
            var op = OpFactory.Create(primitive, new OpSpec(new ModuleScope(store, $"s{stride}"), channels, stride, NetworkPhase.Evaluation));
            Assert.That(store.WeightElementCount, Is.EqualTo(2 * channels * channels * 7 + 2 * channels));
            using var tape = new Tape(backend);
            using var x = Tensor.FromArray(backend, Enumerable.Range(0, 2 * channels * 12 * 12).Select(i => (float)Math.Sin(i)).ToArray(), [2, channels, 12, 12]);
            var y = op.Forward(tape, x, NormMode.Training);
            Assert.That(y.Shape, Is.EqualTo(new[] { 2, channels, 12 / stride, 12 / stride }));
            tape.Reset();
        }
    }

    /// <summary>The bench measures the default search, whose candidates are the DARTS space's.</summary>
    [Test]
    public void ThePyTorchBenchReferenceListsTheDartsSpacesOperationsInOrder()
    {
        string script = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "bench", "pytorch_reference.py"));
        var list = Regex.Match(script, @"^OPS = \[(.*)\]$", RegexOptions.Multiline).Groups[1].Value;
        Assert.That(Regex.Matches(list, "\"([a-z0-9_]+)\"").Select(m => m.Groups[1].Value), Is.EqualTo(SearchSpace.Darts.Ops));
    }

    /// <summary>The interop script's ops: the same names, and each convolution with its declared kernel, padding and dilation.</summary>
    [Test]
    public void TheInteropScriptBuildsEachDeclaredPrimitiveAsDeclared()
    {
        string script = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "tools", "interop", "parsec_to_pytorch.py"));
        var entries = Regex.Matches(script, "^    \"([a-z0-9_]+)\": lambda c, stride: (.*),$", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        Assert.That(entries.Keys, Is.EquivalentTo(Primitives.All));
        foreach (var primitive in Primitives.Declared)
        {
            string expected = primitive.Family switch
            {
                OpFamily.SeparableConvolution => $"SepConv(c, c, {primitive.Kernel}, stride, {primitive.Padding})",
                OpFamily.DilatedConvolution => $"DilConv(c, c, {primitive.Kernel}, stride, {primitive.Padding}, {primitive.Dilation})",
                OpFamily.AsymmetricConvolution => $"Conv7x1And1x7(c, c, {primitive.Kernel}, stride, {primitive.Padding})",
                OpFamily.MaxPool => "nn.MaxPool2d(3, stride=stride, padding=1)",
                OpFamily.AveragePool => "nn.AvgPool2d(3, stride=stride, padding=1, count_include_pad=False)",
                OpFamily.Skip => "nn.Identity() if stride == 1 else FactorizedReduce(c, c)",
                _ => throw new AssertionException($"no mirror known for {primitive.Family}"),
            };
            Assert.That(entries[primitive.Name], Is.EqualTo(expected), primitive.Name);
        }
    }
}
