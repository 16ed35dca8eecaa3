using System.Security.Cryptography;
using System.Text;

namespace Parsec.Cuda.Compilation;

/// <summary>
/// PTX on disk, keyed by a hash of everything that determines it: NVRTC's version, the source, its headers and
/// the options. A changed kernel or another compiler version gives another key, so stale PTX is never used.
/// Writes go to a temporary file first and are then moved into place, so concurrent processes never read a
/// half-written entry.
/// </summary>
internal sealed class PtxCache
{
    public PtxCache(string directory) => Directory = directory;

    public string Directory { get; }
    /// <summary>The last error writing an entry (a read-only cache costs compile time, not correctness), or null.</summary>
    public string? LastWriteError { get; private set; }

    /// <summary>$PARSEC_PTX_CACHE, else $XDG_CACHE_HOME/parsec/ptx, else ~/.cache/parsec/ptx.</summary>
    public static string DefaultDirectory()
    {
        string? explicitDir = Environment.GetEnvironmentVariable("PARSEC_PTX_CACHE");
        if (!string.IsNullOrWhiteSpace(explicitDir)) return explicitDir;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "parsec", "ptx");
    }

    public static string Key(KernelSource source, IReadOnlyList<string> arguments, string compilerVersion)
    {
        var text = new StringBuilder();
        text.Append("nvrtc ").Append(compilerVersion).Append('\0');
        text.Append(source.Name).Append('\0').Append(source.Text).Append('\0');
        foreach (var (name, body) in source.Headers.OrderBy(h => h.Key, StringComparer.Ordinal))
            text.Append(name).Append('\0').Append(body).Append('\0');
        foreach (string a in arguments) text.Append(a).Append('\0');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public string PathFor(string key) => Path.Combine(Directory, key + ".ptx");

    public bool TryRead(string key, out string ptx)
    {
        string path = PathFor(key);
        if (File.Exists(path))
        {
            ptx = File.ReadAllText(path, Encoding.UTF8);
            if (ptx.Length > 0) return true;
        }
        ptx = "";
        return false;
    }

    public void Write(string key, string ptx)
    {
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            string temp = PathFor(key) + $".{Environment.ProcessId}.tmp";
            File.WriteAllText(temp, ptx, new UTF8Encoding(false));
            File.Move(temp, PathFor(key), overwrite: true);
            LastWriteError = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastWriteError = $"could not write {PathFor(key)}: {e.Message}";
        }
    }
}
