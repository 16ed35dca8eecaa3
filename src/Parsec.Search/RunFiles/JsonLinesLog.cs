using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Parsec.Search.RunFiles;

/// <summary>
/// An append-only JSON-lines file whose lines carry a position field ("iteration" for a search, "epoch" for
/// evaluation training). Each line is written and flushed whole, so a crash leaves at most one incomplete last
/// line; <see cref="TruncateAfter"/> cuts the lines a resumed run is about to write again (those after its checkpoint).
/// </summary>
internal sealed class JsonLinesLog : IDisposable
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };
    private readonly StreamWriter _writer;

    public JsonLinesLog(string path)
    {
        Path = path;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public string Path { get; }

    public void Append(JsonObject line)
    {
        _writer.Write(line.ToJsonString(Compact));
        _writer.Write('\n');
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>
    /// Rewrites <paramref name="path"/> (atomically) keeping only complete lines whose <paramref name="positionKey"/>
    /// field is at most <paramref name="last"/>.
    /// </summary>
    public static void TruncateAfter(string path, string positionKey, long last)
    {
        if (!File.Exists(path)) return;
        var kept = new StringBuilder();
        foreach (string line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            long? at;
            try { at = JsonNode.Parse(line)?[positionKey]?.GetValue<long>(); }
            catch (JsonException) { continue; } // the incomplete last line of an interrupted run
            if (at is { } i && i <= last) kept.Append(line).Append('\n');
        }
        AtomicFile.WriteAllText(path, kept.ToString());
    }
}
