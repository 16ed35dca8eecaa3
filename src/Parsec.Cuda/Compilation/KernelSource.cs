namespace Parsec.Cuda.Compilation;

/// <summary>
/// A CUDA C++ translation unit for NVRTC: its name (used in diagnostics), its text, and the headers it may
/// <c>#include "..."</c> by name (NVRTC reads no files: headers are handed over as strings).
/// </summary>
internal sealed record KernelSource(string Name, string Text, IReadOnlyDictionary<string, string> Headers)
{
    public KernelSource(string name, string text) : this(name, text, new Dictionary<string, string>()) { }
}

/// <summary>
/// NVRTC options. <see cref="Architecture"/> is a compute capability as major*10+minor; PTX for compute_XX is
/// produced, which the driver JIT-compiles for the actual GPU (and caches) at module load.
/// </summary>
internal sealed record NvrtcOptions(int Architecture)
{
    /// <summary>-lineinfo: source lines in the PTX, for profilers. Off by default (it does not change the code).</summary>
    public bool LineInfo { get; init; }
    /// <summary>Extra -D definitions, "NAME=VALUE" or "NAME".</summary>
    public IReadOnlyList<string> Defines { get; init; } = [];

    public IReadOnlyList<string> ToArguments()
    {
        // No --std: each NVRTC's default dialect is used, so the same options work from NVRTC 11.8 to 13.
        var args = new List<string> { $"--gpu-architecture=compute_{Architecture}" };
        if (LineInfo) args.Add("-lineinfo");
        foreach (string d in Defines) args.Add("-D" + d);
        return args;
    }
}

/// <summary>The PTX text (without trailing NUL), the compiler's log (empty when it had nothing to say), and whether it came from the cache.</summary>
internal sealed record CompiledPtx(string Name, string Ptx, string Log, bool FromCache, int Architecture);
