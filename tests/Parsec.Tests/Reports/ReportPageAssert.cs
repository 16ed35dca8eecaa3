using System.Text.RegularExpressions;
using NUnit.Framework;

namespace Parsec.Tests.Reports;

/// <summary>Checks that a report.html stands on its own: every image is an inlined PNG and every link names a file that exists.</summary>
internal static partial class ReportPageAssert
{
    [GeneratedRegex("<img [^>]*src=\"([^\"]*)\"")] private static partial Regex ImageSource();
    [GeneratedRegex("<a href=\"([^\"]*)\"")] private static partial Regex LinkTarget();

    /// <summary>The page's text; fails when an image is not an inlined PNG or a link is broken.</summary>
    public static string SelfContained(string page)
    {
        Assert.That(File.Exists(page), $"{page} was not written");
        string html = File.ReadAllText(page);
        Assert.That(html, Does.StartWith("<!DOCTYPE html>").And.EndWith("</html>\n"));
        foreach (Match image in ImageSource().Matches(html))
        {
            string source = image.Groups[1].Value;
            Assert.That(source, Does.StartWith("data:image/png;base64,"), "images are inlined");
            var bytes = Convert.FromBase64String(source["data:image/png;base64,".Length..]);
            Assert.That(bytes.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        }
        foreach (Match link in LinkTarget().Matches(html))
        {
            string target = System.Net.WebUtility.HtmlDecode(link.Groups[1].Value);
            Assert.That(Path.IsPathRooted(target), Is.False, $"link {target} is relative, so the folder can be moved");
            Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(page)!, target)), $"link {target} resolves");
        }
        return html;
    }

    public static int Images(string html) => ImageSource().Matches(html).Count;

    public static IReadOnlyList<string> Links(string html) =>
        LinkTarget().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
}
