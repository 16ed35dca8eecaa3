using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Meta;

namespace Parsec.Tests.Engine;

/// <summary>
/// The op records check their arguments once, when created, on any backend: the errors name the op, the operand
/// and the length or type expected. Backends then run them without checking again.
/// </summary>
[TestFixture]
public class OpArgsTests
{
    private CpuBackend _cpu = null!;

    [SetUp]
    public void Create() => _cpu = new CpuBackend();

    [TearDown]
    public void Release() => _cpu.Dispose();

    private Storage Buffer(long length, DType dtype = DType.Float64) => _cpu.Allocate(length, dtype, BufferCategory.Inputs);

    [Test]
    public void ElementwiseOperandsMustHaveOneLength()
    {
        var error = Assert.Throws<ArgumentException>(() => new AddArgs(Buffer(6), Buffer(6), Buffer(5)))!;
        Assert.That(error.Message, Does.StartWith("Add:").And.Contain("must hold 6 elements").And.Contain("holds 5"));
        Assert.Throws<ArgumentException>(() => new ReluBackwardArgs(Buffer(4), Buffer(3), Buffer(4), accumulate: false));
        Assert.DoesNotThrow(() => new ScaleArgs(Buffer(4), 2.0, Buffer(4), accumulate: true));
    }

    [Test]
    public void RowsMustTileTheTensor()
    {
        var error = Assert.Throws<ArgumentException>(() => new ScaleRowsArgs(Buffer(12), Buffer(5), 3, Buffer(12), accumulate: false))!;
        Assert.That(error.Message, Is.EqualTo("ScaleRows: 5 rows of 3 do not make 12 elements"));
        Assert.DoesNotThrow(() => new ScaleRowsArgs(Buffer(12), Buffer(4), 3, Buffer(12), accumulate: false));
    }

    [Test]
    public void ElementTypesMustAgreeAndBeFloats()
    {
        var mixed = Assert.Throws<ArgumentException>(() => new ReluArgs(Buffer(4, DType.Float32), Buffer(4, DType.Float64)))!;
        Assert.That(mixed.Message, Does.Contain("Float32").And.Contain("Float64"));
        var ints = Assert.Throws<ArgumentException>(() => new ReluArgs(Buffer(4, DType.Int32), Buffer(4, DType.Int32)))!;
        Assert.That(ints.Message, Does.Contain("Int32").And.Contain("needs Float32 or Float64"));
    }

    [Test]
    public void GeometryFixesConvolutionAndPoolingLengths()
    {
        var conv = new Conv2dGeometry(new Shape4(2, 3, 5, 5), 4, 3, 1, 1, 1, 1);
        var error = Assert.Throws<ArgumentException>(() => new Conv2dBackwardFilterArgs(conv, Buffer(150), Buffer(200), Buffer(100), accumulate: false))!;
        Assert.That(error.Message, Does.StartWith("Conv2dBackwardFilter:").And.Contain("the weight must hold 108 elements (4, 3, 3, 3)"));
        var badGroups = conv with { Groups = 2 };
        Assert.That(Assert.Throws<ArgumentException>(() => new Conv2dForwardArgs(badGroups, Buffer(150), Buffer(54), Buffer(200)))!.Message,
            Does.Contain("groups=2"));

        var pool = new Pool2dGeometry(new Shape4(1, 2, 4, 4), PoolKind.Max, 3, 2, 1);
        Assert.That(Assert.Throws<ArgumentException>(() => new Pool2dBackwardArgs(pool, Buffer(32), Buffer(8), Buffer(8), Buffer(31), false))!.Message,
            Does.Contain("the input must hold 32 elements"));
        Assert.That(Assert.Throws<ArgumentException>(() => new GlobalAvgPoolArgs(new Shape4(2, 3, 0, 4), Buffer(0), Buffer(6)))!.Message,
            Does.Contain("are empty"));
    }

    [Test]
    public void LayoutWindowsMustFit()
    {
        var src = new Shape4(2, 3, 4, 4);
        var dst = new Shape4(2, 5, 4, 4);
        Assert.That(Assert.Throws<ArgumentException>(() => new CopyChannelsArgs(Buffer(src.Length), src, 1, Buffer(dst.Length), dst, 3, 3, false))!.Message,
            Does.Contain("out of range"));
        Assert.That(Assert.Throws<ArgumentException>(() => new CopyChannelsArgs(Buffer(src.Length), src, 0, Buffer(80), new Shape4(2, 5, 2, 4), 0, 3, false))!.Message,
            Does.Contain("differ outside the channel axis"));
        var window = new SpatialWindow(src, 1, 1, 4, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => new SliceSpatialArgs(window, Buffer(src.Length), Buffer(24)))!.Message,
            Does.Contain("outside (2, 3, 4, 4)"));
    }

    [Test]
    public void BatchNormChecksItsPerChannelBuffersAndAffinePair()
    {
        var x = new Shape4(2, 3, 2, 2);
        Storage Channels() => Buffer(3);
        Assert.That(Assert.Throws<ArgumentException>(() => new BatchNormInferenceArgs(x, Buffer(24), Channels(), null, Channels(), Channels(), 1e-5, Buffer(24)))!.Message,
            Does.Contain("give both gamma and beta, or neither"));
        Assert.That(Assert.Throws<ArgumentException>(() => new BatchNormTrainingArgs(x, Buffer(24), null, null, Channels(), Buffer(4), 0.1, 1e-5, Buffer(24), Channels(), Channels()))!.Message,
            Does.Contain("a per-channel buffer must hold 3 elements"));
        var one = new Shape4(1, 3, 1, 1);
        Assert.That(Assert.Throws<ArgumentException>(() => new BatchNormTrainingArgs(one, Buffer(3), null, null, Channels(), Channels(), 0.1, 1e-5, Buffer(3), Channels(), Channels()))!.Message,
            Does.Contain("more than one value per channel"));
        // Backward passes gamma without beta: the backward direction has no shift parameter.
        Assert.DoesNotThrow(() => new BatchNormBackwardArgs(x, Buffer(24), Buffer(24), Channels(), Channels(), Channels(), Buffer(24), Channels(), null, false));
    }

    [Test]
    public void LossNeedsInt32LabelsOnePerRow()
    {
        var error = Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyArgs(Buffer(8), Buffer(4), 4, 2, Buffer(8), Buffer(4)))!;
        Assert.That(error.Message, Does.Contain("labels must be Int32"));
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyBackwardArgs(Buffer(8), Buffer(3, DType.Int32), Buffer(4), 4, 2, Buffer(8), false));
        Assert.That(Assert.Throws<ArgumentException>(() => new GemmArgs(true, false, 2, 3, 4, 1, Buffer(8), Buffer(12), 0, Buffer(5)))!.Message,
            Does.Contain("C (2x3) must hold 6 elements"));
    }

    [Test]
    public void OptimizerStepsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamUpdateArgs(Buffer(3), Buffer(3), Buffer(3), Buffer(3), new AdamStep(1e-3, 0.9, 0.999, 1e-8, 0, 0)));
        Assert.Throws<ArgumentException>(() => new SgdUpdateArgs(Buffer(3), Buffer(3), Buffer(2), new SgdStep(0.1, 0.9, 0)));
    }

    [Test]
    public void TheShapeOnlyBackendCountsBytesAndComputesNothing()
    {
        using var meta = new MetaBackend();
        var g = new Conv2dGeometry(new Shape4(2, 3, 8, 8), 4, 3, 1, 1, 1, 1);
        using var x = Tensor.Empty(meta, g.Input.ToArray(), DType.Float32, BufferCategory.Activations);
        using var w = Tensor.Empty(meta, g.WeightShape, DType.Float32, BufferCategory.Weights);
        using var y = Tensor.Empty(meta, g.Output.ToArray(), DType.Float32, BufferCategory.Activations);
        meta.Conv2dForward(new Conv2dForwardArgs(g, x.Storage, w.Storage, y.Storage));
        Assert.That(meta.Memory.Live(BufferCategory.Activations), Is.EqualTo((g.Input.Length + g.Output.Length) * sizeof(float)));
        Assert.That(meta.Memory.Live(BufferCategory.Weights), Is.EqualTo(g.WeightLength * sizeof(float)));
    }
}
