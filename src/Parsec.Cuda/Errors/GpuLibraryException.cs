namespace Parsec.Cuda;

/// <summary>Where in the C# code a failing native call was made (from the compiler's caller attributes).</summary>
public readonly record struct CallSite(string Expression, string File, int Line)
{
    public override string ToString() => $"{Expression} at {Path.GetFileName(File)}:{Line}";
}

/// <summary>
/// A native call returned a failure status. Carries the status code, its C name (e.g. CUDA_ERROR_OUT_OF_MEMORY),
/// the library's text for it, and the C# call site, so a failure on the GPU machine can be located from the log alone.
/// </summary>
public abstract class GpuLibraryException(string library, int status, string statusName, string statusText, CallSite site, string? detail = null)
    : Exception($"{library} call failed with {statusName} ({status}): {statusText}; in {site}" + (string.IsNullOrEmpty(detail) ? "" : Environment.NewLine + detail))
{
    public string Library { get; } = library;
    public int Status { get; } = status;
    public string StatusName { get; } = statusName;
    public string StatusText { get; } = statusText;
    public CallSite Site { get; } = site;
}

/// <summary>A CUDA driver API call (cu*) failed.</summary>
public sealed class CudaException(int status, string statusName, string statusText, CallSite site, string? detail = null)
    : GpuLibraryException("CUDA driver", status, statusName, statusText, site, detail);

/// <summary>A cuBLAS call failed.</summary>
public sealed class CublasException(int status, string statusName, string statusText, CallSite site)
    : GpuLibraryException("cuBLAS", status, statusName, statusText, site);

/// <summary>A cuDNN call failed.</summary>
public sealed class CudnnException(int status, string statusName, string statusText, CallSite site)
    : GpuLibraryException("cuDNN", status, statusName, statusText, site);

/// <summary>An NVRTC call failed; for a compilation error <see cref="Log"/> holds the compiler's messages.</summary>
public sealed class NvrtcException(int status, string statusName, string statusText, CallSite site, string log = "")
    : GpuLibraryException("NVRTC", status, statusName, statusText, site, log)
{
    public string Log { get; } = log;
}
