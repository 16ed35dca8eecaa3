using System.Text.Json;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Study;

/// <summary>
/// The earlier studies a study copies finished work from (--reuse), kept in its reuse.json so that a resumed study
/// still copies rather than repeats: without it, `study --resume` forgot the folders it was started with and retrained
/// genotypes it could have copied. Paths are stored absolute; one that has gone by the time of a resume is skipped
/// with a note, since it only ever saves work.
/// </summary>
internal static class ReuseList
{
    public const string FileName = "reuse.json";

    /// <summary>Writes the list beside study.json (nothing when it is empty).</summary>
    public static void Save(StudyFolder study, IReadOnlyList<string> folders)
    {
        if (folders.Count == 0) return;
        AtomicFile.WriteAllText(study.File(FileName), JsonSerializer.Serialize(folders.Select(Path.GetFullPath).Distinct().ToList()));
    }

    /// <summary>
    /// The saved folders followed by those given now (also saved, so that the next resume has them too), without
    /// repeats; folders that no longer exist are left out and named in <paramref name="missing"/>.
    /// </summary>
    /// <param name="write">Whether this process keeps the study's files (rank 0 of an MPI job, or the only process).</param>
    public static IReadOnlyList<string> Resumed(StudyFolder study, IReadOnlyList<string> given, bool write, out IReadOnlyList<string> missing)
    {
        string file = study.File(FileName);
        var saved = new List<string>();
        if (File.Exists(file))
        {
            try { saved = JsonSerializer.Deserialize<List<string>>(File.ReadAllText(file)) ?? []; }
            catch (JsonException e) { throw new BadInputException($"{file}: not a JSON list of study folders ({e.Message})", e); }
        }
        var all = saved.Concat(given.Select(Path.GetFullPath)).Distinct().ToList();
        if (write && all.Count > saved.Count) Save(study, all);
        missing = all.Where(f => !Directory.Exists(f)).ToList();
        return all.Where(Directory.Exists).ToList();
    }
}
