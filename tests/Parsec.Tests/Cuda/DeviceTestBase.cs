using NUnit.Framework;
using Parsec.Autodiff;
using Parsec.Autodiff.Cpu;
using Parsec.Autodiff.Cuda;
using Parsec.Cuda.Memory;

namespace Parsec.Tests.Cuda;

/// <summary>An argument of a parity run: data both backends receive, labels, or an output to be overwritten.</summary>
public abstract record Buf
{
    public sealed record Data(float[] Values) : Buf;
    public sealed record Labels(int[] Values) : Buf;
    /// <summary>An output the op must overwrite: NaN on the GPU side, so an element left unwritten fails the comparison.</summary>
    public sealed record Output(long Length) : Buf;
}

/// <summary>
/// Base of the tests that need a GPU. They are in the "Device" category, which the default test run excludes
/// (--filter TestCategory!=Device); run without a device they fail loudly with the reason CUDA is unavailable.
/// The CPU reference poisons its fresh buffers with NaN, so both sides catch unwritten outputs.
/// </summary>
public abstract class DeviceTestBase
{
    protected const double Tolerance = 1e-3;
    protected CudaBackend Gpu { get; private set; } = null!;
    protected CpuBackend Cpu { get; private set; } = null!;

    /// <summary>The relative error a parity comparison allows: fp32 rounding by default, more where TF32 is on.</summary>
    protected virtual double ParityTolerance => Tolerance;

    protected virtual CudaBackendOptions Options => new() { Arena = new ArenaOptions { TotalBytes = 2L << 30 } };

    [OneTimeSetUp]
    public void StartDevice()
    {
        if (!CudaBackend.TryCreate(out var gpu, out string whyNot, Options))
            Assert.Fail("no CUDA device: " + whyNot);
        Gpu = gpu!;
        Cpu = new CpuBackend(poisonNewBuffers: true);
    }

    [OneTimeTearDown]
    public void StopDevice()
    {
        Gpu?.Dispose();
        Cpu?.Dispose();
    }

    protected static float[] Random(int seed, long n, double scale = 1.0)
    {
        var rng = new Rng((ulong)seed);
        var v = new float[n];
        for (long i = 0; i < n; i++) v[i] = (float)(rng.NextGaussian() * scale);
        return v;
    }

    protected static Buf.Data Rand(int seed, long n, double scale = 1.0) => new(Random(seed, n, scale));

    /// <summary>Runs <paramref name="op"/> on both backends with the same arguments and compares the arguments at <paramref name="compare"/>.</summary>
    protected void Parity(string what, Buf[] args, Action<IBackend, Storage[]> op, params int[] compare)
    {
        var cpu = args.Select(a => Upload(Cpu, a, gpuSide: false)).ToArray();
        var gpu = args.Select(a => Upload(Gpu, a, gpuSide: true)).ToArray();
        try
        {
            op(Cpu, cpu);
            op(Gpu, gpu);
            Gpu.Synchronize();
            foreach (int i in compare) AssertClose(ReadFloats(Cpu, cpu[i]), ReadFloats(Gpu, gpu[i]), $"{what}: argument {i}", ParityTolerance);
        }
        finally
        {
            foreach (var s in cpu.Concat(gpu)) s.Dispose();
        }
    }

    protected static Storage Upload(IBackend backend, Buf arg, bool gpuSide)
    {
        switch (arg)
        {
            case Buf.Data d:
            {
                var s = backend.Allocate(d.Values.Length, DType.Float32, BufferCategory.Activations);
                backend.CopyIn(s, d.Values);
                return s;
            }
            case Buf.Labels l:
            {
                var s = backend.Allocate(l.Values.Length, DType.Int32, BufferCategory.Inputs);
                backend.CopyIn(s, l.Values);
                return s;
            }
            case Buf.Output o:
            {
                var s = backend.Allocate(o.Length, DType.Float32, BufferCategory.Activations);
                backend.Fill(s, gpuSide ? double.NaN : 0.0);
                return s;
            }
            default:
                throw new ArgumentException($"unknown argument {arg}");
        }
    }

    protected static float[] ReadFloats(IBackend backend, Storage s)
    {
        var v = new float[s.Length];
        backend.CopyOut(s, v);
        return v;
    }

    /// <summary>max |gpu - cpu| / max(max |cpu|, 1e-6) below <see cref="Tolerance"/>, and no NaN on either side.</summary>
    protected static void AssertClose(float[] expected, float[] actual, string what, double tolerance = Tolerance)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        double maxRef = 1e-6, maxErr = 0;
        int worst = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            if (!double.IsFinite(expected[i]) || !double.IsFinite(actual[i]))
                Assert.Fail($"{what}: element {i} is {actual[i]} on the GPU and {expected[i]} on the CPU");
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            double err = Math.Abs(expected[i] - actual[i]);
            if (err > maxErr) { maxErr = err; worst = i; }
        }
        double rel = maxErr / maxRef;
        Assert.That(rel, Is.LessThan(tolerance),
            $"{what}: relative error {rel:E2} (element {worst}: GPU {(worst >= 0 ? actual[worst] : 0)} vs CPU {(worst >= 0 ? expected[worst] : 0)}, max |CPU| {maxRef:G4})");
    }
}
