using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports;

/// <summary>
/// metrics.csv: the scalars of metrics.jsonl, one column each, for pandas or a spreadsheet. The columns are the
/// scalar fields in the order they first appear (a field missing from a line is an empty cell); arrays such as the
/// importance weights stay in metrics.jsonl. Numbers are copied as written, so the two files agree to the last
/// digit. It is rewritten whole from metrics.jsonl rather than appended, so a resumed run (whose jsonl drops the
/// lines after its checkpoint) cannot leave rows in the CSV that the jsonl no longer has. CsvHelper does the
/// quoting, because a hand-written writer gets text with commas or quotes wrong.
/// </summary>
internal static class MetricsCsv
{
    public const string FileName = "metrics.csv";

    /// <summary>Writes metrics.csv beside the metrics.jsonl at <paramref name="jsonlPath"/>, atomically.</summary>
    public static void WriteBeside(string jsonlPath)
    {
        var columns = new List<string>();
        var rows = new List<Dictionary<string, string>>();
        JsonLines.Read(jsonlPath, (_, line) =>
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var field in line.EnumerateObject())
            {
                if (Scalar(field.Value) is not { } text) continue;
                if (!columns.Contains(field.Name)) columns.Add(field.Name);
                row[field.Name] = text;
            }
            rows.Add(row);
        }, warnings: []);

        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\n" }, leaveOpen: true))
        {
            // An empty metrics.jsonl (a training before its first epoch) gives an empty file: a CSV record needs a field.
            if (columns.Count > 0) csv.WriteRecord(columns.ToArray());
            foreach (var row in rows) csv.WriteRecord(columns.Select(column => row.GetValueOrDefault(column, "")).ToArray());
        }
        AtomicFile.WriteAllText(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonlPath))!, FileName), text.ToString());
    }

    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "",
        _ => null,
    };
}
