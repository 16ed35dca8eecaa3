using System.Globalization;
using Parsec.Autodiff;
using Parsec.Autodiff.Cuda;

namespace Parsec.DeviceRunner;

/// <summary>One measured op at one shape.</summary>
internal sealed record BenchRow(string Op, string Engine, int Channels, int Spatial, double Microseconds, double Bytes, double Flops)
{
    public double GBps => Bytes / (Microseconds * 1e-6) / 1e9;
    public double TFlops => Flops / (Microseconds * 1e-6) / 1e12;
}

/// <summary>
/// Micro-benchmarks of every custom kernel and every cuDNN/cuBLAS-dispatched op at batch 64, C = 16, 32, 64 and
/// spatial 32, 16, 8 (DARTS' CIFAR stages): median microseconds, achieved GB/s or TFLOP/s, and the fraction of
/// the measured device copy bandwidth. Rows print as they are measured; a compact table prints last.
/// </summary>
internal static class BenchMode
{
    public const int Batch = 64;

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        if (!InfoMode.TryOpen(out var gpu, out string whyNot, arenaBytes: 8L << 30))
        {
            Console.WriteLine("no CUDA device: " + whyNot);
            return InfoMode.NoDevice;
        }
        using (gpu)
        {
            Console.WriteLine(gpu!.Info());
            using var timer = new BenchTimer(gpu, warmup: 3, repetitions: quick ? 7 : 25);
            double copy = timer.CopyBandwidthGBps(1L << 30);
            Console.WriteLine($"device-to-device copy: {copy:F0} GB/s (read + write)");
            var rows = new List<BenchRow>();
            int[] channels = quick ? [16] : [16, 32, 64];
            int[] spatial = quick ? [32] : [32, 16, 8];
            foreach (int c in channels)
                foreach (int s in spatial)
                {
                    var cases = new BenchCases(gpu, new Shape4(Batch, c, s, s));
                    foreach (var (op, engine, bytes, flops, run) in cases.All())
                    {
                        double us = timer.MedianMicroseconds(run);
                        var row = new BenchRow(op, engine, c, s, us, bytes, flops);
                        rows.Add(row);
                        Console.WriteLine(Format(row, copy));
                    }
                    cases.Dispose();
                    gpu.ResetStep();
                }
            var gemm = BenchCases.LargeGemm(gpu);
            rows.Add(new BenchRow(gemm.Op, gemm.Engine, 1024, 0, timer.MedianMicroseconds(gemm.Run), gemm.Bytes, gemm.Flops));
            gemm.Dispose();
            Console.WriteLine();
            Console.WriteLine("depthwise convolutions, custom kernel versus cuDNN (first call of each shape):");
            foreach (string d in gpu.DepthwiseDecisions) Console.WriteLine("  " + d);
            Console.WriteLine();
            Console.WriteLine(gpu.Footprint());
            PrintTable(rows, copy);
        }
        return 0;
    }

    private static string Format(BenchRow r, double copy) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{r.Op,-26} {r.Engine,-7} C={r.Channels,-4} {r.Spatial,2}x{r.Spatial,-2} {r.Microseconds,9:F1} us {r.GBps,7:F0} GB/s {100 * r.GBps / copy,5:F0}% {(r.Flops > 0 ? $"{r.TFlops,6:F2} TFLOP/s" : "")}");

    /// <summary>One line per op: microseconds at each shape, then the best fraction of copy bandwidth and the best TFLOP/s.</summary>
    private static void PrintTable(List<BenchRow> rows, double copy)
    {
        var shapes = rows.Where(r => r.Spatial > 0).Select(r => (r.Channels, r.Spatial)).Distinct().ToList();
        Console.WriteLine();
        Console.WriteLine($"SUMMARY: median us per call at batch {Batch}; %copy = achieved GB/s / {copy:F0} GB/s device copy (best shape)");
        Console.WriteLine($"{"op",-26} {"engine",-7} " + string.Join(" ", shapes.Select(s => $"{$"{s.Channels}@{s.Spatial}",8}")) + $" {"%copy",6} {"TFLOP/s",8}");
        foreach (var group in rows.GroupBy(r => (r.Op, r.Engine)))
        {
            var cells = shapes.Select(s => group.FirstOrDefault(r => (r.Channels, r.Spatial) == s) is { } r ? $"{r.Microseconds,8:F1}" : $"{"-",8}");
            double bestCopy = group.Max(r => r.GBps) / copy * 100;
            double bestTflops = group.Max(r => r.Flops > 0 ? r.TFlops : 0);
            string last = group.Key.Op.StartsWith("gemm 1024", StringComparison.Ordinal) ? $" ({group.First().Microseconds:F0} us)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{group.Key.Op,-26} {group.Key.Engine,-7} {string.Join(" ", cells)} {bestCopy,5:F0}% {(bestTflops > 0 ? $"{bestTflops,8:F2}" : $"{"",8}")}{last}"));
        }
    }
}
