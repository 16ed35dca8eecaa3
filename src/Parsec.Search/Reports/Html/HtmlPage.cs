using System.Net;
using System.Text;
using Parsec.Search.RunFiles;

namespace Parsec.Search.Reports.Html;

/// <summary>One cell of an <see cref="HtmlPage.Table"/>: text, optionally a link (relative to the page).</summary>
internal readonly record struct HtmlCell(string Text, string? Href = null)
{
    public static implicit operator HtmlCell(string text) => new(text);
}

/// <summary>
/// A self-contained HTML page: images are inlined as data URIs and the style sheet is in the page, so the file can
/// be mailed or attached and opens with no network access and no folder beside it. Everything given as text is
/// escaped here, in one place; only <see cref="Fragment"/> takes markup (from a Markdown renderer).
/// </summary>
internal sealed class HtmlPage(string title)
{
    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; padding: 0 1em; color: #222; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        th { background: #f3f3f3; }
        pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
        img { max-width: 100%; box-sizing: border-box; border: 1px solid #eee; margin: 0.4em 0; }
        .wide { overflow-x: auto; } .figures td { white-space: nowrap; }
        .note { color: #666; } .warning { color: #a15c00; }
        """;

    private readonly StringBuilder _body = new();

    public string Title { get; } = title;

    public HtmlPage Heading(string text, int level = 2)
    {
        _body.Append($"<h{level}>{Encode(text)}</h{level}>\n");
        return this;
    }

    public HtmlPage Paragraph(string text, string? cssClass = null)
    {
        _body.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).Append("</p>\n");
        return this;
    }

    /// <summary>A paragraph of text and links, in order.</summary>
    public HtmlPage Line(params HtmlCell[] parts)
    {
        _body.Append("<p>").Append(string.Concat(parts.Select(CellHtml))).Append("</p>\n");
        return this;
    }

    public HtmlPage Preformatted(string text)
    {
        _body.Append("<pre>").Append(Encode(text)).Append("</pre>\n");
        return this;
    }

    /// <summary>The PNG at <paramref name="path"/>, inlined; a missing file is said in words rather than left as a broken image.</summary>
    public HtmlPage Image(string path, string alt)
    {
        if (!File.Exists(path)) return Paragraph($"{Path.GetFileName(path)} has not been drawn yet", "note");
        _body.Append($"<img alt=\"{Encode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">\n");
        return this;
    }

    public HtmlPage Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<HtmlCell>> rows)
    {
        // In a box that scrolls sideways: a long unbroken value (an option's list) widens its table, never the page.
        _body.Append("<div class=\"wide\">\n<table>\n<tr>").Append(string.Concat(header.Select(h => $"<th>{Encode(h)}</th>"))).Append("</tr>\n");
        foreach (var row in rows)
            _body.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{CellHtml(c)}</td>"))).Append("</tr>\n");
        _body.Append("</table>\n</div>\n");
        return this;
    }

    /// <summary>Markup made elsewhere (Markdown rendered to HTML); the caller vouches that it is well formed.</summary>
    public HtmlPage Fragment(string html)
    {
        _body.Append(html).Append('\n');
        return this;
    }

    public string ToHtml() =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{Encode(Title)}</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n" +
        $"<h1>{Encode(Title)}</h1>\n{_body}</body>\n</html>\n";

    /// <summary>Written atomically: a browser reloading the page while the run rewrites it sees the old page or the new one.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToHtml());

    private static string CellHtml(HtmlCell cell) =>
        cell.Href is null ? Encode(cell.Text) : $"<a href=\"{Encode(cell.Href)}\">{Encode(cell.Text)}</a>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
