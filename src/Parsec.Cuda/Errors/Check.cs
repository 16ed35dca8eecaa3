using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Parsec.Cuda.Native;

namespace Parsec.Cuda;

/// <summary>
/// The one checking helper per library: every native call's status goes through here so failures become typed
/// exceptions that name the status and the C# call site. Status names come from the libraries themselves where
/// they provide them (cuGetErrorName, cublasGetStatusName, nvrtcGetErrorString) and from the cuDNN 9 header
/// values otherwise.
/// </summary>
internal static class Check
{
    public static void Cuda(int status,
        [CallerArgumentExpression(nameof(status))] string expression = "",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (status != 0) throw CudaError(status, new CallSite(expression, file, line));
    }

    public static CudaException CudaError(int status, CallSite site, string? detail = null)
    {
        string name = $"CUresult {status}", text = "unknown CUDA error";
        unsafe
        {
            byte* p = null;
            if (Driver.cuGetErrorName(status, &p) == 0 && p != null) name = Marshal.PtrToStringUTF8((nint)p) ?? name;
            p = null;
            if (Driver.cuGetErrorString(status, &p) == 0 && p != null) text = Marshal.PtrToStringUTF8((nint)p) ?? text;
        }
        return new CudaException(status, name, text, site, detail);
    }

    public static void Cublas(int status,
        [CallerArgumentExpression(nameof(status))] string expression = "",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (status == 0) return;
        string name = Marshal.PtrToStringUTF8(Native.Cublas.cublasGetStatusName(status)) ?? $"cublasStatus_t {status}";
        string text = Marshal.PtrToStringUTF8(Native.Cublas.cublasGetStatusString(status)) ?? "";
        throw new CublasException(status, name, text, new CallSite(expression, file, line));
    }

    public static void Cudnn(int status,
        [CallerArgumentExpression(nameof(status))] string expression = "",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (status == 0) return;
        string text = Marshal.PtrToStringUTF8(Native.Cudnn.cudnnGetErrorString(status)) ?? "";
        throw new CudnnException(status, CudnnStatusNames.NameOf(status), text, new CallSite(expression, file, line));
    }

    public static void Nvrtc(int status,
        [CallerArgumentExpression(nameof(status))] string expression = "",
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        if (status != 0) throw NvrtcError(status, new CallSite(expression, file, line), "");
    }

    public static NvrtcException NvrtcError(int status, CallSite site, string log)
    {
        // nvrtcGetErrorString returns the enumerator's name, e.g. NVRTC_ERROR_COMPILATION.
        string name = Marshal.PtrToStringUTF8(Native.Nvrtc.nvrtcGetErrorString(status)) ?? $"nvrtcResult {status}";
        return new NvrtcException(status, name, NvrtcText(status), site, log);
    }

    private static string NvrtcText(int status) => status switch
    {
        1 => "out of host memory",
        3 => "invalid input",
        5 => "an option was not recognised by this NVRTC version",
        6 => "the kernel source did not compile (see the log)",
        11 => "internal compiler error",
        _ => "see the NVRTC documentation for this status",
    };
}
