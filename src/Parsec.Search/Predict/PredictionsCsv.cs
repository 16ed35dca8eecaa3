using System.Globalization;
using System.Text;
using Parsec.Search.Reports;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Predict;

/// <summary>
/// Predictions as CSV (RFC 4180 quoting): one row per input file with its top-k classes and probabilities,
/// or its error. Written to a temporary file and renamed, so a reader never sees half a file.
/// </summary>
public static class PredictionsCsv
{
    public static void Write(string path, IReadOnlyList<ImagePrediction> predictions, int topK)
    {
        var text = new StringBuilder();
        var header = new List<string> { "file" };
        for (int r = 1; r <= topK; r++) header.AddRange([$"class_{r}", $"probability_{r}"]);
        header.Add("error");
        AppendRow(text, header);
        foreach (var p in predictions)
        {
            var row = new List<string> { p.File };
            for (int r = 0; r < topK; r++)
                row.AddRange(r < p.Top.Count ? [p.Top[r].Name, p.Top[r].Probability.ToString("0.000000", CultureInfo.InvariantCulture)] : ["", ""]);
            row.Add(p.Error ?? "");
            AppendRow(text, row);
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static void AppendRow(StringBuilder text, IEnumerable<string> fields) =>
        text.Append(string.Join(',', fields.Select(Quote))).Append("\r\n");

    /// <summary>A field with a comma, quote or line break is quoted, and its quotes doubled.</summary>
    private static string Quote(string field) =>
        field.IndexOfAny([',', '"', '\r', '\n']) < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
