using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Memory;

/// <summary>The footprint comparison as a text table (memory.txt, the memory command) and as JSON (memory.json).</summary>
internal static class MemoryReport
{
    private static readonly (string Label, Func<Footprint, long> Bytes)[] Rows =
    [
        ("weights", f => f.WeightBytes),
        ("batch-norm buffers", f => f.BufferBytes),
        ("weight gradients", f => f.WeightGradientBytes),
        ("optimizer state (momentum)", f => f.OptimizerStateBytes),
        ("step peak: inputs", f => f.InputBytesAtPeak),
        ("step peak: activations", f => f.ActivationBytesAtPeak),
        ("step peak: activation gradients", f => f.ActivationGradientBytesAtPeak),
        ("step peak (all per-step buffers)", f => f.StepPeakBytes),
        ("total", f => f.TotalBytes),
        ("a search sample's own gradients and batch statistics", f => f.SampleUpdateBytes),
    ];

    /// <summary>
    /// What the CUDA backend takes besides the planned buffers, at most (CudaBackendOptions' defaults): cuBLAS's
    /// workspace, held for the backend's life, and one convolution's cuDNN workspace at a time, from the per-step region.
    /// </summary>
    public static (long Cublas, long ConvolutionAtMost) CudaLibraryWorkspaces()
    {
        var defaults = new Autodiff.Cuda.CudaBackendOptions();
        return (defaults.CublasWorkspaceBytes, defaults.ConvolutionWorkspaceLimitBytes);
    }

    /// <summary>The whole search iteration of the sampled case, in words: the figure and how it is made up.</summary>
    public static string IterationLine(FootprintConfiguration c, IReadOnlyList<Footprint> footprints)
    {
        var s = footprints.Single(f => f.Case == FootprintCase.SampledArchitecture);
        int inFlight = Math.Min(c.InFlight, c.IterationSamples);
        return $"a search iteration of K = {c.IterationSamples} samples, {inFlight} at a time: {Mib(s.IterationBytes(c.IterationSamples, c.InFlight)):0.00} MiB " +
               $"(persistent {Mib(s.PersistentBytes):0.00} + {inFlight} x step peak {Mib(s.StepPeakBytes):0.00} + {c.IterationSamples} x own gradients {Mib(s.SampleUpdateBytes):0.00}); " +
               $"per sample {Mib(s.PerSampleBytes):0.00} MiB";
    }

    /// <summary>The library workspaces a GPU run adds, in words.</summary>
    public static string WorkspaceLine()
    {
        var (cublas, convolution) = CudaLibraryWorkspaces();
        return $"on CUDA, add library workspaces: cuBLAS {Mib(cublas):0} MiB (held), one convolution's cuDNN workspace at a time, at most {Mib(convolution):0} MiB (per step)";
    }

    public static string Title(FootprintCase c) => c switch
    {
        FootprintCase.SampledArchitecture => "PARSEC sampled",
        FootprintCase.SingleArchitecture => "one architecture",
        FootprintCase.DartsSupernet => "DARTS supernet",
        _ => c.ToString(),
    };

    public static string Describe(FootprintConfiguration c) =>
        $"C={c.Network.Channels}, {c.Network.Layers} cells, batch {c.BatchSize}, {c.Network.InputChannels}x{c.ImageSize}x{c.ImageSize} inputs, {c.Network.Classes} classes, float32";

    /// <summary>(supernet / sampled) for the total and for the per-step peak.</summary>
    public static (double Total, double StepPeak) SupernetRatio(IReadOnlyList<Footprint> footprints)
    {
        var sampled = footprints.Single(f => f.Case == FootprintCase.SampledArchitecture);
        var supernet = footprints.Single(f => f.Case == FootprintCase.DartsSupernet);
        return ((double)supernet.TotalBytes / sampled.TotalBytes, (double)supernet.StepPeakBytes / sampled.StepPeakBytes);
    }

    /// <summary>Rows of label and MiB per case, in the order of <paramref name="footprints"/>.</summary>
    public static IEnumerable<(string Label, double[] Mib)> Table(IReadOnlyList<Footprint> footprints) =>
        Rows.Select(r => (r.Label, footprints.Select(f => Mib(r.Bytes(f))).ToArray()))
            .Prepend(("parameters (millions)", footprints.Select(f => f.ParameterCount / 1e6).ToArray()));

    public static string ToText(FootprintConfiguration configuration, IReadOnlyList<Footprint> footprints)
    {
        var text = new StringBuilder();
        text.AppendLine($"Memory of one training step: {Describe(configuration)}");
        text.AppendLine($"(MiB; sampled cases: the largest of {configuration.SampledArchitectures} uniformly sampled architectures; computed on the shape-only backend)");
        text.Append($"{"",-34}");
        foreach (var f in footprints) text.Append($"{Title(f.Case),18}");
        text.AppendLine();
        foreach (var (label, values) in Table(footprints))
        {
            text.Append($"{label,-34}");
            foreach (double v in values) text.Append(v.ToString("0.00", CultureInfo.InvariantCulture).PadLeft(18));
            text.AppendLine();
        }
        var (total, step) = SupernetRatio(footprints);
        text.AppendLine($"DARTS supernet / PARSEC sampled: {total:0.00}x in total, {step:0.00}x per-step peak");
        text.AppendLine(IterationLine(configuration, footprints));
        text.AppendLine(WorkspaceLine());
        return text.ToString();
    }

    public static JsonObject ToJson(FootprintConfiguration configuration, IReadOnlyList<Footprint> footprints)
    {
        var (total, step) = SupernetRatio(footprints);
        var sampled = footprints.Single(f => f.Case == FootprintCase.SampledArchitecture);
        var cases = new JsonObject();
        foreach (var f in footprints)
            cases[f.Case.ToString()] = new JsonObject
            {
                ["parameters"] = f.ParameterCount,
                ["weight_bytes"] = f.WeightBytes,
                ["buffer_bytes"] = f.BufferBytes,
                ["weight_gradient_bytes"] = f.WeightGradientBytes,
                ["optimizer_state_bytes"] = f.OptimizerStateBytes,
                ["step_peak_bytes"] = f.StepPeakBytes,
                ["input_bytes_at_peak"] = f.InputBytesAtPeak,
                ["activation_bytes_at_peak"] = f.ActivationBytesAtPeak,
                ["activation_gradient_bytes_at_peak"] = f.ActivationGradientBytesAtPeak,
                ["total_bytes"] = f.TotalBytes,
                ["sample_update_bytes"] = f.SampleUpdateBytes,
                ["total_mib"] = Math.Round(Mib(f.TotalBytes), 3),
            };
        return new JsonObject
        {
            ["configuration"] = Describe(configuration),
            ["channels"] = configuration.Network.Channels,
            ["layers"] = configuration.Network.Layers,
            ["batch_size"] = configuration.BatchSize,
            ["image_size"] = configuration.ImageSize,
            ["sampled_architectures"] = configuration.SampledArchitectures,
            ["cases"] = cases,
            ["supernet_over_sampled_total"] = Math.Round(total, 4),
            ["supernet_over_sampled_step_peak"] = Math.Round(step, 4),
            ["iteration"] = new JsonObject
            {
                ["samples"] = configuration.IterationSamples,
                ["in_flight"] = Math.Min(configuration.InFlight, configuration.IterationSamples),
                ["per_sample_bytes"] = sampled.PerSampleBytes,
                ["iteration_bytes"] = sampled.IterationBytes(configuration.IterationSamples, configuration.InFlight),
            },
            ["cuda_cublas_workspace_bytes"] = CudaLibraryWorkspaces().Cublas,
            ["cuda_convolution_workspace_bytes_at_most"] = CudaLibraryWorkspaces().ConvolutionAtMost,
        };
    }

    /// <summary>Writes memory.json and memory.txt (each atomically).</summary>
    public static void Write(string jsonPath, string textPath, FootprintConfiguration configuration, IReadOnlyList<Footprint> footprints)
    {
        AtomicFile.WriteAllText(jsonPath, ToJson(configuration, footprints).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        AtomicFile.WriteAllText(textPath, ToText(configuration, footprints));
    }

    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);
}
