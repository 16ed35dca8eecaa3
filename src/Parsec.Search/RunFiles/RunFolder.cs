namespace Parsec.Search.RunFiles;

/// <summary>
/// The files of one run, all in one folder (by default runs/&lt;yyyyMMdd-HHmmss&gt;-&lt;name&gt;):
/// options.json (the resolved options), metrics.jsonl (one object per logged iteration), pi_history.jsonl
/// (pi per logged iteration), checkpoint.safetensors (everything needed to resume), pi.json and
/// genotype.json (the result), memory.json / memory.txt (the footprint report), nan_report.txt (only when
/// the run stopped on a non-finite value), warnings.txt (only when the search saw something wrong with its data).
/// </summary>
public sealed class RunFolder
{
    public const string DefaultRoot = "runs";

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public string Path { get; }
    public string Options => File("options.json");
    public string Metrics => File("metrics.jsonl");
    public string PiHistory => File("pi_history.jsonl");
    public string Checkpoint => File("checkpoint.safetensors");
    public string Pi => File("pi.json");
    public string Genotype => File("genotype.json");
    public string MemoryJson => File("memory.json");
    public string MemoryText => File("memory.txt");
    public string NanReport => File("nan_report.txt");
    public string Warnings => File("warnings.txt");
    /// <summary>The latency table a --cost latency search prices with, kept so that a resume prices the same.</summary>
    public string Latency => File("latency.json");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new, empty folder under <paramref name="root"/> named by time and <paramref name="name"/> (a suffix keeps it unique).</summary>
    public static RunFolder CreateNew(string? root, string name, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/'))
            throw new BadInputException($"run name '{name}' must be a plain file name");
        string baseName = $"{now:yyyyMMdd-HHmmss}-{name}";
        string parent = root ?? DefaultRoot;
        string path = System.IO.Path.Combine(parent, baseName);
        for (int suffix = 2; Directory.Exists(path); suffix++) path = System.IO.Path.Combine(parent, $"{baseName}-{suffix}");
        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }

    /// <summary>An existing run to resume: it must hold options.json and a checkpoint.</summary>
    public static RunFolder OpenExisting(string path)
    {
        var run = new RunFolder(path);
        if (!Directory.Exists(run.Path)) throw new BadInputException($"run folder not found: {path}");
        if (!System.IO.File.Exists(run.Options)) throw new BadInputException($"{path} holds no options.json: not a search run folder");
        if (!System.IO.File.Exists(run.Checkpoint))
            throw new BadInputException($"{path} holds no checkpoint.safetensors: the run stopped before its first checkpoint and cannot be resumed");
        return run;
    }

    public override string ToString() => Path;
}
