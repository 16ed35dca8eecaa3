using System.Text.Json;

namespace Parsec.Search.Reports.Html;

/// <summary>A JSON object as rows of (key, value) for a page's options table: nested objects by dotted key, arrays and scalars as compact text.</summary>
internal static class JsonTable
{
    public static IReadOnlyList<IReadOnlyList<HtmlCell>> Rows(string json)
    {
        using var document = JsonDocument.Parse(json);
        var rows = new List<IReadOnlyList<HtmlCell>>();
        Flatten(document.RootElement, "", rows);
        return rows;
    }

    private static void Flatten(JsonElement element, string prefix, List<IReadOnlyList<HtmlCell>> rows)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
                Flatten(property.Value, prefix.Length == 0 ? property.Name : $"{prefix}.{property.Name}", rows);
            return;
        }
        string text = element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Null => "(automatic)",
            _ => element.GetRawText(),
        };
        rows.Add([prefix.Length == 0 ? "(value)" : prefix, text]);
    }
}
