using System.Text.Json;

namespace Parsec.Search.Bench;

/// <summary>PyTorch's time for a benchmark case, measured by bench/pytorch_reference.py on this machine (FirstStepMs NaN, PeakMib null when not reported).</summary>
internal sealed record PyTorchMeasurement(double MedianMs, double MinMs, string Torch, int Threads, string Device, long Parameters, string Python,
    double FirstStepMs = double.NaN, double? PeakMib = null);

/// <summary>
/// Finds a Python that can import torch and runs the project's PyTorch reference script (embedded in the
/// program) on the same case as Parsec's step benchmark.
/// </summary>
internal static class PyTorchReference
{
    private const string ScriptResource = "bench/pytorch_reference.py";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The first of <paramref name="requested"/> (when given) or python3 on PATH and /usr/bin/python3 that imports
    /// torch; null with the reason when none does.
    /// </summary>
    public static string? FindPython(string? requested, out string why)
    {
        var candidates = requested is not null ? [requested] : ExternalProgram.FindOnPath("python3").Append("/usr/bin/python3").Distinct().ToList();
        var tried = new List<string>();
        foreach (string python in candidates)
        {
            var probe = ExternalProgram.Run(python, ["-c", "import torch; print(torch.__version__)"], ProbeTimeout);
            if (probe.Succeeded)
            {
                why = $"{python} has PyTorch {probe.Stdout.Trim()}";
                return python;
            }
            tried.Add($"{python}: {probe.Failure ?? LastLine(probe.Stderr)}");
        }
        why = $"no python3 with PyTorch found ({string.Join("; ", tried)})";
        return null;
    }

    /// <summary>Runs the reference on <paramref name="device"/> ("cpu" or "cuda") with <paramref name="threads"/> threads; throws when it fails.</summary>
    public static PyTorchMeasurement Run(string python, BenchmarkCase benchmark, string device, int threads, TimeSpan timeout) =>
        Run(python, ["--channels", $"{benchmark.Channels}", "--layers", $"{benchmark.Layers}", "--batch", $"{benchmark.BatchSize}",
            "--image-size", $"{benchmark.ImageSize}", "--steps", $"{benchmark.Steps}", "--warmup", $"{benchmark.Warmup}", .. NetworkArguments(benchmark)], device, threads, timeout);

    /// <summary>PyTorch's time for whole search iterations of the same case (the script's --samples mode).</summary>
    public static PyTorchMeasurement Run(string python, IterationCase iteration, string device, int threads, TimeSpan timeout) =>
        Run(python, ["--channels", $"{iteration.Channels}", "--layers", $"{iteration.Layers}", "--batch", $"{iteration.BatchSize}",
            "--image-size", $"{iteration.ImageSize}", "--steps", $"{iteration.Iterations}", "--warmup", $"{iteration.Warmup}",
            "--samples", $"{iteration.Samples}"], device, threads, timeout);

    private static PyTorchMeasurement Run(string python, IReadOnlyList<string> caseArguments, string device, int threads, TimeSpan timeout)
    {
        string script = Path.Combine(Path.GetTempPath(), $"parsec-pytorch-reference-{Guid.NewGuid():N}.py");
        try
        {
            using (var resource = typeof(PyTorchReference).Assembly.GetManifestResourceStream(ScriptResource)
                       ?? throw new InvalidOperationException($"the program was built without {ScriptResource}"))
            using (var file = File.Create(script))
                resource.CopyTo(file);
            var outcome = ExternalProgram.Run(python, [script, .. caseArguments, "--threads", $"{threads}", "--device", device], timeout);
            if (!outcome.Succeeded)
                throw new InvalidOperationException($"the PyTorch reference failed with {python}: {outcome.Failure ?? LastLine(outcome.Stderr)}");
            return Parse(outcome.Stdout, python);
        }
        finally { File.Delete(script); }
    }

    private static IEnumerable<string> NetworkArguments(BenchmarkCase benchmark)
    {
        if (!benchmark.Evaluation) yield break;
        yield return "--network";
        yield return "eval";
        if (benchmark.Auxiliary) yield return "--auxiliary";
        yield return "--drop-path";
        yield return benchmark.DropPath.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static PyTorchMeasurement Parse(string stdout, string python)
    {
        string line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        try
        {
            var json = JsonDocument.Parse(line).RootElement;
            return new PyTorchMeasurement(json.GetProperty("median_ms").GetDouble(), json.GetProperty("min_ms").GetDouble(),
                json.GetProperty("torch").GetString() ?? "", json.GetProperty("threads").GetInt32(), json.GetProperty("device").GetString() ?? "",
                json.GetProperty("parameters").GetInt64(), python,
                json.TryGetProperty("first_step_ms", out var first) ? first.GetDouble() : double.NaN,
                json.TryGetProperty("peak_mib", out var peak) && peak.ValueKind == JsonValueKind.Number ? peak.GetDouble() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"the PyTorch reference printed '{line}', not its JSON result line ({e.Message})", e);
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "no output";
}
