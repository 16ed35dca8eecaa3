using System.Text.Json;

namespace Parsec.Search.RunFiles;

/// <summary>
/// Reads a JSON-lines file one record at a time (the files grow to tens of megabytes over a long search, so
/// they are streamed rather than loaded whole). Blank lines are skipped.
/// </summary>
internal static class JsonLines
{
    /// <summary>
    /// Calls <paramref name="record"/> with every line's parsed object. A line that is not a JSON object throws a
    /// <see cref="RunFileFormatException"/> naming the file and line, with one exception: an unparseable last line
    /// with no newline after it is what a run that is still writing (or was killed mid-write) leaves behind, so it
    /// is skipped and reported through <paramref name="warnings"/> instead.
    /// </summary>
    public static void Read(string path, Action<int, JsonElement> record, ICollection<string> warnings)
    {
        bool endsWithNewline = EndsWithNewline(path);
        // Shared read/write: a search in progress keeps its logs open for appending while a report is drawn.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, detectEncodingFromByteOrderMarks: true);
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                if (reader.EndOfStream && !endsWithNewline)
                {
                    warnings.Add($"{path}, line {lineNumber}: incomplete last line skipped (the run may still be writing it)");
                    return;
                }
                throw new RunFileFormatException(path, lineNumber, $"not valid JSON ({e.Message})", e);
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new RunFileFormatException(path, lineNumber, $"expected a JSON object, found {Describe(doc.RootElement.ValueKind)}");
                record(lineNumber, doc.RootElement);
            }
        }
    }

    /// <summary>Reads a number, also accepting the strings "NaN", "Infinity" and "-Infinity" that .NET writers emit for non-finite values.</summary>
    public static bool TryGetNumber(JsonElement value, out double number)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                return value.TryGetDouble(out number);
            case JsonValueKind.String:
                string? s = value.GetString();
                if (s is "NaN" or "Infinity" or "-Infinity" or "inf" or "-inf" or "nan")
                {
                    number = s switch { "NaN" or "nan" => double.NaN, "Infinity" or "inf" => double.PositiveInfinity, _ => double.NegativeInfinity };
                    return true;
                }
                break;
        }
        number = 0;
        return false;
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static bool EndsWithNewline(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length == 0) return true;
        stream.Seek(-1, SeekOrigin.End);
        return stream.ReadByte() == '\n';
    }
}
