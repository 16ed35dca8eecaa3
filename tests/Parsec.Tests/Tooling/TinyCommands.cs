namespace Parsec.Tests.Tooling;

/// <summary>Command lines of seconds (the demo's --quick sizes: generated textures, C = 4, 3 cells, 8x8 images) and what tests read back from their run folders.</summary>
internal static class TinyCommands
{
    public static readonly string[] SearchData =
        ["--dataset", "textures", "--image-size", "8", "--train-count", "64", "--channels", "4", "--layers", "3", "--batch-size", "8", "--samples", "2", "--backend", "cpu"];

    public static readonly string[] TrainData =
        ["--dataset", "textures", "--image-size", "8", "--train-count", "64", "--test-count", "32", "--channels", "4", "--layers", "3",
         "--batch-size", "16", "--no-auxiliary", "--cutout", "0", "--backend", "cpu"];

    /// <summary>`parsec search` arguments for <paramref name="iterations"/> iterations into run folders under <paramref name="runs"/>.</summary>
    public static string[] Search(string runs, int iterations, params string[] more) =>
        ["search", .. SearchData, "--iterations", iterations.ToString(), "--runs", runs, .. more];

    /// <summary>`parsec train` arguments (DARTS_V1 unless <paramref name="more"/> names a --genotype).</summary>
    public static string[] Train(string folder, int epochs, params string[] more) =>
        ["train", .. TrainData, .. more.Contains("--genotype") ? Array.Empty<string>() : ["--genotype", "DARTS_V1"], "--epochs", epochs.ToString(), "--out", folder, .. more];

    /// <summary>The one run folder a search made under <paramref name="runs"/>, or null before it exists.</summary>
    public static string? RunIn(string runs) => Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null;

    /// <summary>Complete lines in a JSON-lines file another process may be appending to (0 before it exists).</summary>
    public static int Lines(string? path)
    {
        if (path is null || !File.Exists(path)) return 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Count(c => c == '\n');
    }

    public static int MetricsLinesOfSearch(string runs) => RunIn(runs) is { } run ? Lines(Path.Combine(run, "metrics.jsonl")) : 0;
}
