using System.Text;

namespace Parsec.Search.RunFiles;

/// <summary>
/// Writes report files so that a reader (a person refreshing an image, a second report running over the same
/// folder) never sees one half-written: the bytes go to a temporary file in the target's own folder, which is
/// then renamed over the target. A rename within one file system replaces the file in one step.
/// </summary>
internal static partial class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8NoBom.GetBytes(text));

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        string temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                // Flushed to disk before the rename so that a crash cannot leave a renamed but empty file.
                stream.Flush(flushToDisk: true);
            }
            Commit(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>A fresh name next to <paramref name="path"/>, for a producer (such as an external program) that writes the file itself before <see cref="Commit"/>.</summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        // The extension is kept last because some producers (Graphviz among them) pick a format from it.
        return Path.Combine(dir, $".{Path.GetFileNameWithoutExtension(full)}.{Guid.NewGuid():N}.tmp{Path.GetExtension(full)}");
    }

    /// <summary>Whether <paramref name="fileName"/> has the form <see cref="TempPathFor"/> gives: ".{name}.{32 hex digits}.tmp{extension}".</summary>
    public static bool IsTemporaryName(string fileName) => TemporaryName().IsMatch(fileName);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\..*\.[0-9a-f]{32}\.tmp(\.[^.]*)?$")]
    private static partial System.Text.RegularExpressions.Regex TemporaryName();

    public static void Commit(string tempPath, string path) => File.Move(tempPath, path, overwrite: true);

    public static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { /* a leftover temporary file is harmless; the original error matters more */ }
        catch (UnauthorizedAccessException) { }
    }
}
