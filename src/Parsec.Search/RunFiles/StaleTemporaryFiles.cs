
namespace Parsec.Search.RunFiles;

/// <summary>
/// Every file of a run is written to a temporary name next to it and renamed into place
/// (<see cref="AtomicFile"/>); a process killed in between leaves the temporary file behind, possibly empty.
/// Nothing reads those, so they are removed when a command takes the run folder (under its <see cref="RunLock"/>).
/// </summary>
internal static class StaleTemporaryFiles
{
    public static IReadOnlyList<string> Remove(string folder, Action<string> log)
    {
        var removed = new List<string>();
        foreach (string file in Directory.EnumerateFiles(folder))
        {
            if (!AtomicFile.IsTemporaryName(Path.GetFileName(file))) continue;
            File.Delete(file);
            removed.Add(file);
            log($"removed {file}, a temporary file left by an interrupted write");
        }
        return removed;
    }
}
