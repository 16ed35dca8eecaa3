using System.Reflection;
using System.Runtime.InteropServices;

namespace Parsec.Cuda.Native;

/// <summary>One path tried while loading a native library and why it failed (empty reason: it loaded).</summary>
public readonly record struct LoadAttempt(string Path, string Reason);

/// <summary>
/// The single native-library resolver of this assembly. .NET probes a bare name as <c>name.so</c> and
/// <c>libname.so</c>, links that exist only where a development toolkit is installed, so the resolver maps
/// each import name to versioned sonames (libcuda.so.1, libcublas.so.13, ...), honours a per-library
/// environment override (a file or a folder), and when nothing loads reports every path it tried.
/// </summary>
public static class NativeLibraries
{
    // Folders outside the loader's default path where NVIDIA's packages put their libraries.
    private static readonly string[] s_knownFolders =
    [
        "/usr/local/cuda/lib64",
        "/usr/local/cuda/targets/x86_64-linux/lib",
        "/usr/lib/x86_64-linux-gnu",
    ];

    private static readonly object s_lock = new();
    private static readonly Dictionary<string, (nint Handle, string Path)> s_loaded = [];
    private static readonly Dictionary<string, IReadOnlyList<LoadAttempt>> s_failures = [];
    private static bool s_registered;

    /// <summary>Installs the resolver once; every binding class calls this from its static constructor.</summary>
    internal static void EnsureResolver()
    {
        lock (s_lock)
        {
            if (s_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
            s_registered = true;
        }
    }

    private static nint Resolve(string importName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        var spec = NativeLibrarySpec.ByImportName(importName);
        return spec is null ? IntPtr.Zero : Load(spec);
    }

    /// <summary>Loads (once) the library, or throws <see cref="NativeLibraryNotFoundException"/> listing every path tried.</summary>
    public static nint Load(NativeLibrarySpec spec)
    {
        if (TryLoad(spec, out nint handle, out var attempts)) return handle;
        throw new NativeLibraryNotFoundException(spec, attempts, Environment.GetEnvironmentVariable(spec.EnvironmentVariable));
    }

    /// <summary>Loads (once) the library; on failure returns false with every path tried and the loader's reason.</summary>
    public static bool TryLoad(NativeLibrarySpec spec, out nint handle, out IReadOnlyList<LoadAttempt> attempts)
    {
        lock (s_lock)
        {
            if (s_loaded.TryGetValue(spec.ImportName, out var done))
            {
                handle = done.Handle;
                attempts = [new LoadAttempt(done.Path, "")];
                return true;
            }
            if (s_failures.TryGetValue(spec.ImportName, out var failed))
            {
                handle = 0;
                attempts = failed;
                return false;
            }
            var tried = new List<LoadAttempt>();
            string? overridePath = Environment.GetEnvironmentVariable(spec.EnvironmentVariable);
            bool ok = string.IsNullOrWhiteSpace(overridePath)
                ? TryDefaultLocations(spec, tried, out handle, out string path)
                : TryOverride(spec, overridePath.Trim(), tried, out handle, out path);
            if (ok) s_loaded[spec.ImportName] = (handle, path);
            else s_failures[spec.ImportName] = tried;
            attempts = tried;
            return ok;
        }
    }

    /// <summary>Where the library was loaded from, or null when it has not been (or could not be) loaded.</summary>
    public static string? LoadedPath(NativeLibrarySpec spec)
    {
        lock (s_lock) return s_loaded.TryGetValue(spec.ImportName, out var done) ? done.Path : null;
    }

    // An explicit override is authoritative: when it names a missing file nothing else is tried, so a
    // misconfigured machine fails loudly instead of silently picking another copy.
    private static bool TryOverride(NativeLibrarySpec spec, string overridePath, List<LoadAttempt> tried, out nint handle, out string path)
    {
        if (Directory.Exists(overridePath))
        {
            PreloadCompanions(spec, overridePath, tried);
            foreach (string name in spec.FileNames)
                if (TryOne(Path.Combine(overridePath, name), tried, out handle)) { path = Path.Combine(overridePath, name); return true; }
            handle = 0; path = "";
            return false;
        }
        if (File.Exists(overridePath)) PreloadCompanions(spec, Path.GetDirectoryName(Path.GetFullPath(overridePath))!, tried);
        else
        {
            tried.Add(new LoadAttempt(overridePath, "no such file or folder"));
            handle = 0; path = "";
            return false;
        }
        path = overridePath;
        return TryOne(overridePath, tried, out handle);
    }

    private static bool TryDefaultLocations(NativeLibrarySpec spec, List<LoadAttempt> tried, out nint handle, out string path)
    {
        // Bare sonames go through the system loader (LD_LIBRARY_PATH, the ld.so cache, RUNPATH).
        foreach (string name in spec.FileNames)
            if (TryOne(name, tried, out handle)) { path = name; return true; }
        foreach (string folder in s_knownFolders)
        {
            if (!Directory.Exists(folder)) continue;
            foreach (string name in spec.FileNames)
            {
                string candidate = Path.Combine(folder, name);
                if (!File.Exists(candidate)) continue;
                PreloadCompanions(spec, folder, tried);
                if (TryOne(candidate, tried, out handle)) { path = candidate; return true; }
            }
        }
        handle = 0; path = "";
        return false;
    }

    private static bool TryOne(string pathOrName, List<LoadAttempt> tried, out nint handle)
    {
        try
        {
            handle = NativeLibrary.Load(pathOrName);
            return true;
        }
        catch (DllNotFoundException e)
        {
            tried.Add(new LoadAttempt(pathOrName, LoaderReason(e.Message)));
        }
        catch (BadImageFormatException e)
        {
            tried.Add(new LoadAttempt(pathOrName, "not a loadable library for this process: " + LoaderReason(e.Message)));
        }
        handle = 0;
        return false;
    }

    /// <summary>
    /// cuDNN's shim and NVRTC dlopen their sub-libraries by bare name; when those live in a folder the loader
    /// does not search, loading them first by absolute path makes the later by-name dlopen find them.
    /// Sub-libraries depend on each other, so passes repeat until no more load.
    /// </summary>
    private static void PreloadCompanions(NativeLibrarySpec spec, string folder, List<LoadAttempt> tried)
    {
        if (spec.CompanionPrefixes.Count == 0) return;
        var pending = Directory.EnumerateFiles(folder)
            .Where(f => spec.CompanionPrefixes.Any(p => Path.GetFileName(f).StartsWith(p, StringComparison.Ordinal)) && f.Contains(".so", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        var lastErrors = new Dictionary<string, string>();
        bool progress = true;
        while (pending.Count > 0 && progress)
        {
            progress = false;
            foreach (string file in pending.ToArray())
            {
                try
                {
                    NativeLibrary.Load(file);
                    pending.Remove(file);
                    progress = true;
                }
                catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
                {
                    lastErrors[file] = LoaderReason(e.Message);
                }
            }
        }
        foreach (string file in pending) tried.Add(new LoadAttempt(file, "companion library not preloaded: " + lastErrors[file]));
    }

    /// <summary>
    /// .NET's message starts with a generic advice line and puts the loader's own errors (dlerror) on the lines
    /// after it; those say what really failed (missing file, missing dependency, wrong architecture).
    /// </summary>
    private static string LoaderReason(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length > 1 ? string.Join("; ", lines[1..]) : message.Trim();
    }
}
