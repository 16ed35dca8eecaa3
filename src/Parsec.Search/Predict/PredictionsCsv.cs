using System.Globalization;
using CsvHelper;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Predict;

/// <summary>
/// Predictions as CSV (RFC 4180: CRLF rows, quoting by CsvHelper): one row per input file with its top-k classes and
/// probabilities, optionally every class's logit (columns logit_NAME), or its error. Written to a temporary file and
/// renamed, so a reader never sees half a file.
/// </summary>
internal static class PredictionsCsv
{
    /// <param name="logitsOf">The class names whose logits get a column each (predict --logits); null for none.</param>
    public static void Write(string path, IReadOnlyList<ImagePrediction> predictions, int topK, IReadOnlyList<string>? logitsOf = null)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions { NewLine = "\r\n" }, leaveOpen: true))
        {
            var header = new List<string> { "file" };
            for (int r = 1; r <= topK; r++) header.AddRange([$"class_{r}", $"probability_{r}"]);
            if (logitsOf is not null) header.AddRange(logitsOf.Select(name => $"logit_{name}"));
            header.Add("error");
            csv.WriteRecord(header.ToArray());
            foreach (var p in predictions)
            {
                var row = new List<string> { p.File };
                for (int r = 0; r < topK; r++)
                    row.AddRange(r < p.Top.Count ? [p.Top[r].Name, p.Top[r].Probability.ToString("0.000000", CultureInfo.InvariantCulture)] : ["", ""]);
                if (logitsOf is not null)
                    row.AddRange(p.Logits is { } logits ? logits.Select(v => v.ToString("R", CultureInfo.InvariantCulture)) : logitsOf.Select(_ => ""));
                row.Add(p.Error ?? "");
                csv.WriteRecord(row.ToArray());
            }
        }
        AtomicFile.WriteAllText(path, text.ToString());
    }
}
