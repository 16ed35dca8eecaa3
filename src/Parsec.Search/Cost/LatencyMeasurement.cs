using Parsec.Search.Model.Layers;
using System.Diagnostics;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;
using Parsec.Search.Model;
using Parsec.Search.Model.Ops;
using Parsec.Search.Space;

namespace Parsec.Search.Cost;

/// <summary>How a latency is measured: forward passes at this batch size, after warm-up passes, timed one by one.</summary>
/// <param name="CalibrationNetworks">Whole networks measured to fit the table's fixed part and op scale: the reference and random genotypes.</param>
internal sealed record LatencySettings(int Batch = 128, int Warmup = 3, int Repetitions = 15, int CalibrationNetworks = 5);

/// <summary>
/// Measures forward latencies on a backend, in inference (no tape, batch norms on their running statistics): each
/// op of a <see cref="LatencyTable"/> alone, built by the same <see cref="OpFactory"/> code as the network, and whole
/// evaluation networks, to take the table's fixed part from and to check its predictions against.
/// </summary>
internal static class LatencyMeasurement
{
    /// <summary>What a table is valid for: the backend with its device and precision, and the host's processor and cores.</summary>
    public static string Machine(IBackend backend)
    {
        string device = backend is CudaBackend cuda ? $" ({cuda.Device.Name})" : "";
        return $"{backend.Name}{device} {backend.Precision.ToString().ToLowerInvariant()}; {ProcessorModel()} x {Environment.ProcessorCount}";
    }

    /// <summary>Every op position of <paramref name="shape"/>, then the calibration networks the fixed part is fitted to.</summary>
    public static LatencyTable MeasureTable(IBackend backend, CostShape shape, LatencySettings settings, Action<int, int>? progress = null)
    {
        var positions = CellPlacement.AllPositions(shape);
        var ops = new List<LatencyTable.OpLatency>();
        for (int i = 0; i < positions.Count; i++)
        {
            var p = positions[i];
            var entry = Op(backend, p, settings);
            ops.Add(new LatencyTable.OpLatency(p.Op, p.Channels, p.Side, p.Stride, entry.MedianMs, entry.Spread));
            progress?.Invoke(i + 1, positions.Count + settings.CalibrationNetworks);
        }
        var withoutFit = new LatencyTable
        {
            Machine = Machine(backend), Shape = shape, Batch = settings.Batch, Primitives = LatencyTable.CurrentPrimitives(shape.Space),
            FixedMs = 0, OpScale = 1, Calibrations = [], Ops = ops,
        };
        // The reference network and random genotypes of a seed no check draws from.
        var networks = CalibrationGenotypes(settings.CalibrationNetworks, shape.Space);
        var calibrations = new List<LatencyTable.Calibration>();
        foreach (var genotype in networks)
        {
            calibrations.Add(new LatencyTable.Calibration(genotype.ToString(), withoutFit.OpsOf(genotype), Network(backend, genotype, shape, settings)));
            progress?.Invoke(positions.Count + calibrations.Count, positions.Count + networks.Count);
        }
        var (fixedMs, scale) = LatencyTable.Fit(calibrations);
        return new LatencyTable
        {
            Machine = withoutFit.Machine, Shape = shape, Batch = settings.Batch, Primitives = withoutFit.Primitives,
            FixedMs = fixedMs, OpScale = scale, Calibrations = calibrations, Ops = ops,
        };
    }

    /// <summary>The seed the calibration networks are drawn with; checks draw with others.</summary>
    public const ulong CalibrationSeed = 1_000_003;

    /// <summary>The reference genotype (every term a max pool), then random genotypes drawn with <see cref="CalibrationSeed"/>.</summary>
    private static IReadOnlyList<Genotype> CalibrationGenotypes(int count, SearchSpace space)
    {
        var uniform = new Prior.ArchitecturePrior(Prior.TermInputs.DistinctPerNode, space);
        var rng = new Rng(CalibrationSeed);
        return [TermCostTable.AllFree(space.Nodes), .. Enumerable.Range(0, count - 1).Select(_ => uniform.Sample(rng).ToGenotype())];
    }

    /// <summary>One op alone at its position, on a fixed random input.</summary>
    public static LatencyEntry Op(IBackend backend, OpPosition position, LatencySettings settings)
    {
        using var store = new ParameterStore(backend, DType.Float32, new Rng(0));
        var op = OpFactory.Create(Primitives.Get(position.Op), new OpSpec(new ModuleScope(store, "op"), position.Channels, position.Stride, NetworkPhase.Evaluation));
        using var input = RandomInput(backend, settings.Batch, position.Channels, position.Side);
        using var tape = new Tape(backend);
        return Time(backend, tape, () => op.Forward(tape, input, NormMode.Evaluation), settings);
    }

    /// <summary>The whole evaluation network of <paramref name="genotype"/> at <paramref name="shape"/>, without its auxiliary head.</summary>
    public static LatencyEntry Network(IBackend backend, Genotype genotype, CostShape shape, LatencySettings settings)
    {
        using var network = Model.Network.CreateFixed(backend, shape.Network(), genotype, new Rng(0));
        using var images = RandomInput(backend, settings.Batch, shape.InputChannels, shape.ImageSide);
        using var tape = new Tape(backend);
        return Time(backend, tape, () => network.Forward(tape, images, ForwardMode.Evaluation), settings);
    }

    private static LatencyEntry Time(IBackend backend, Tape tape, Action forward, LatencySettings settings)
    {
        var times = new List<double>();
        for (int i = 0; i < settings.Warmup + settings.Repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            using (tape.NoGrad()) forward();
            backend.Synchronize();
            double ms = clock.Elapsed.TotalMilliseconds;
            tape.Reset();
            if (i >= settings.Warmup) times.Add(ms);
        }
        times.Sort();
        double median = Quantile(times, 0.5);
        return new LatencyEntry(median, median > 0 ? (Quantile(times, 0.75) - Quantile(times, 0.25)) / median : 0);
    }

    private static double Quantile(List<double> sorted, double q)
    {
        double at = q * (sorted.Count - 1);
        int low = (int)Math.Floor(at), high = (int)Math.Ceiling(at);
        return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
    }

    private static Tensor RandomInput(IBackend backend, int batch, int channels, int side)
    {
        var rng = new Rng(1);
        var data = new float[batch * channels * side * side];
        for (int i = 0; i < data.Length; i++) data[i] = (float)rng.NextGaussian();
        return Tensor.FromArray(backend, data, [batch, channels, side, side]);
    }

    private static string ProcessorModel()
    {
        try
        {
            var line = File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) : null;
            return line is null ? System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { return "unknown processor"; }
    }
}
