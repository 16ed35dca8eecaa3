using System.Text;
using Parsec.Cuda.Native;

namespace Parsec.Cuda.Compilation;

/// <summary>
/// Compiles CUDA C++ to PTX with NVRTC, through an optional <see cref="PtxCache"/>. A failed compilation raises
/// <see cref="NvrtcException"/> with the full compiler log. NVRTC needs no GPU, so kernels are checked here too.
/// </summary>
internal sealed class NvrtcCompiler(PtxCache? cache)
{
    public PtxCache? Cache { get; } = cache;

    public static unsafe (int Major, int Minor) Version()
    {
        int major = 0, minor = 0;
        Check.Nvrtc(Nvrtc.nvrtcVersion(&major, &minor));
        return (major, minor);
    }

    /// <summary>Compute capabilities this NVRTC can target, as major*10+minor, ascending.</summary>
    public static unsafe IReadOnlyList<int> SupportedArchitectures()
    {
        int count = 0;
        Check.Nvrtc(Nvrtc.nvrtcGetNumSupportedArchs(&count));
        var archs = new int[count];
        fixed (int* p = archs) Check.Nvrtc(Nvrtc.nvrtcGetSupportedArchs(p));
        Array.Sort(archs);
        return archs;
    }

    /// <summary>
    /// The PTX target for a device: its own compute capability when NVRTC knows it, else the newest NVRTC knows
    /// below it (PTX for an older architecture runs on newer GPUs; the driver JIT-compiles it).
    /// </summary>
    public static int ChooseArchitecture(int deviceComputeCapability)
    {
        int best = -1;
        foreach (int a in SupportedArchitectures())
            if (a <= deviceComputeCapability) best = a;
        if (best < 0)
            throw new NotSupportedException($"NVRTC {Version().Major}.{Version().Minor} cannot target compute capability {deviceComputeCapability / 10}.{deviceComputeCapability % 10}");
        return best;
    }

    public CompiledPtx Compile(KernelSource source, NvrtcOptions options)
    {
        var arguments = options.ToArguments();
        var (major, minor) = Version();
        string key = PtxCache.Key(source, arguments, $"{major}.{minor}");
        if (Cache is not null && Cache.TryRead(key, out string cached))
            return new CompiledPtx(source.Name, cached, "", FromCache: true, options.Architecture);
        var (ptx, log) = CompileUncached(source, arguments);
        Cache?.Write(key, ptx);
        return new CompiledPtx(source.Name, ptx, log, FromCache: false, options.Architecture);
    }

    private static unsafe (string Ptx, string Log) CompileUncached(KernelSource source, IReadOnlyList<string> arguments)
    {
        var headerNames = source.Headers.Keys.Order(StringComparer.Ordinal).ToList();
        using var text = new NativeUtf8Strings([source.Text, source.Name]);
        using var headers = new NativeUtf8Strings(headerNames.Select(h => source.Headers[h]).ToList());
        using var includeNames = new NativeUtf8Strings(headerNames);
        using var options = new NativeUtf8Strings(arguments);

        nint program = 0;
        Check.Nvrtc(Nvrtc.nvrtcCreateProgram(&program, text[0], text[1], headers.Count, headers.Pointers, includeNames.Pointers));
        try
        {
            int status = Nvrtc.nvrtcCompileProgram(program, options.Count, options.Pointers);
            string log = ReadLog(program);
            if (status != 0)
                throw Check.NvrtcError(status, new CallSite($"nvrtcCompileProgram({source.Name}, {string.Join(' ', arguments)})", "", 0), log);
            nuint size = 0;
            Check.Nvrtc(Nvrtc.nvrtcGetPTXSize(program, &size));
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx) Check.Nvrtc(Nvrtc.nvrtcGetPTX(program, p));
            int length = Array.IndexOf(ptx, (byte)0);
            return (Encoding.UTF8.GetString(ptx, 0, length < 0 ? ptx.Length : length), log);
        }
        finally
        {
            Nvrtc.nvrtcDestroyProgram(&program);
        }
    }

    private static unsafe string ReadLog(nint program)
    {
        nuint size = 0;
        Check.Nvrtc(Nvrtc.nvrtcGetProgramLogSize(program, &size));
        if (size <= 1) return "";
        var log = new byte[(int)size];
        fixed (byte* p = log) Check.Nvrtc(Nvrtc.nvrtcGetProgramLog(program, p));
        return Encoding.UTF8.GetString(log, 0, (int)size - 1).Trim();
    }
}
