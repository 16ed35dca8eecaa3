using Parsec.Cuda.Native;

namespace Parsec.Autodiff.Cuda;

/// <summary>Checks, without creating anything on a device, that the four native libraries the backend needs load.</summary>
public static class CudaAvailability
{
    /// <summary>True when libcuda, cuBLAS, cuDNN and NVRTC all load; otherwise <paramref name="whyNot"/> lists each failure and every path tried.</summary>
    public static bool LibrariesLoad(out string whyNot)
    {
        var problems = new List<string>();
        foreach (var spec in NativeLibrarySpec.All)
        {
            if (NativeLibraries.TryLoad(spec, out _, out var attempts)) continue;
            problems.Add(NativeLibraryNotFoundException.Describe(spec, attempts, Environment.GetEnvironmentVariable(spec.EnvironmentVariable)));
        }
        whyNot = problems.Count == 0 ? "" : "CUDA is unavailable: " + string.Join(Environment.NewLine, problems);
        return problems.Count == 0;
    }
}
