using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Compilation;

namespace Parsec.Tests.Cuda;

/// <summary>
/// Element-wise ops reach every backend through one entry, so nothing but these tests notices an op record
/// without a CPU loop or a CUDA kernel. The CUDA side is checked without a GPU: a recorder stands in for the
/// backend and captures the launch declaration each record becomes.
/// </summary>
[TestFixture]
public class ElementwiseDispatchTests
{
    private const int N = 12;
    private CpuBackend _cpu = null!;
    private Storage _x = null!, _y = null!, _z = null!, _rows = null!;

    [SetUp]
    public void Create()
    {
        _cpu = new CpuBackend();
        (_x, _y, _z, _rows) = (Buffer(N), Buffer(N), Buffer(N), Buffer(3));
    }

    [TearDown]
    public void Release() => _cpu.Dispose();

    private Storage Buffer(int length)
    {
        var s = _cpu.Allocate(length, DType.Float32, BufferCategory.Inputs);
        _cpu.CopyIn(s, Enumerable.Range(1, length).Select(i => i * 0.5f).ToArray());
        return s;
    }

    /// <summary>One record of every element-wise op, with the launch declaration it must become.</summary>
    private IEnumerable<(ElementwiseArgs Args, object Kernel)> Samples(Func<Storage, DevicePointer> p)
    {
        yield return (new ReluArgs(_x, _y), new ReluForwardKernel(p(_x), p(_y), N));
        yield return (new ReluBackwardArgs(_x, _y, _z, accumulate: true), new ReluBackwardKernel(p(_x), p(_y), p(_z), N, 1));
        yield return (new AddArgs(_x, _y, _z), new AddForwardKernel(p(_x), p(_y), p(_z), N));
        yield return (new ScaleArgs(_x, -0.25, _y, accumulate: false), new ScaleKernel(p(_x), -0.25f, p(_y), N, 0));
        yield return (new ScaleRowsArgs(_x, _rows, 4, _y, accumulate: true), new ScaleRowsKernel(p(_x), p(_rows), 4, p(_y), N, 1));
    }

    [Test]
    public void EveryElementwiseRecordHasASample()
    {
        var recordTypes = typeof(ElementwiseArgs).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(ElementwiseArgs))).Select(t => t.Name);
        Assert.That(Samples(_ => default).Select(s => s.Args.GetType().Name), Is.EquivalentTo(recordTypes));
    }

    [Test]
    public void EveryRecordRunsOnTheCpu()
    {
        foreach (var (args, _) in Samples(_ => default))
            Assert.DoesNotThrow(() => _cpu.Elementwise(args), args.GetType().Name);
    }

    [Test]
    public void EveryRecordBecomesItsDeclaredKernelWithItsArguments()
    {
        var recorder = new LaunchRecorder();
        var kernels = KernelSignatures.FromCuda(KernelSources.Load("elementwise.cu").Text);
        foreach (var (args, expected) in Samples(recorder.AddressOf))
        {
            ElementwiseLaunches.Launch(args, recorder);
            var (kernel, elements) = recorder.Launches[^1];
            Assert.That(kernel, Is.EqualTo(expected), args.GetType().Name);
            Assert.That(elements, Is.EqualTo(N), args.GetType().Name);
            Assert.That(KernelSignatures.FunctionsOf(kernel.GetType()), Has.All.Matches<string>(kernels.ContainsKey), args.GetType().Name);
        }
    }

    [Test]
    public void ARecordWithoutAKernelIsRefusedByName()
    {
        var error = Assert.Throws<NotSupportedException>(() => ElementwiseLaunches.Launch(new Unlaunched(), new LaunchRecorder()))!;
        Assert.That(error.Message, Does.Contain(nameof(Unlaunched)));
        Assert.That(Assert.Throws<NotSupportedException>(() => _cpu.Elementwise(new Unlaunched()))!.Message, Does.Contain(nameof(Unlaunched)));
    }

    private sealed record Unlaunched : ElementwiseArgs;

    /// <summary>Gives each storage a distinct fake address and keeps every launch instead of running it.</summary>
    private sealed class LaunchRecorder : IElementwiseLauncher
    {
        private readonly Dictionary<Storage, ulong> _addresses = new(ReferenceEqualityComparer.Instance);
        public List<(object Kernel, long Elements)> Launches { get; } = [];

        public DevicePointer AddressOf(Storage s)
        {
            if (!_addresses.TryGetValue(s, out ulong address)) _addresses[s] = address = 0x1000UL * (ulong)(_addresses.Count + 1);
            return address;
        }

        public DevicePointer Pointer(Storage s, string op, string name) => AddressOf(s);

        public void Launch<TKernel>(TKernel kernel, long elements) where TKernel : unmanaged, IKernelArguments => Launches.Add((kernel, elements));
    }
}
