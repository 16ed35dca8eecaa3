using NUnit.Framework;
using Parsec.Search.Reports;
using Parsec.Search.Reports.Html;
using PuppeteerSharp;

namespace Parsec.Tests.Reports;

/// <summary>
/// report.html opened in headless Chromium (Debian's chromium; .ci/run installs it): the page loads without a console
/// error, every image decodes to a picture of real size, and a link to a run file opens. PuppeteerSharp drives the
/// browser, because asking a real browser is the only way to know the page renders.
/// </summary>
[TestFixture]
public class ReportPageInBrowserTests
{
    private static string ChromiumPath() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium not found: this test needs it (apt-get install chromium; .ci/run installs it)");

    [Test]
    public async Task TheSearchPageRendersWithEveryImageDecodedAndNoConsoleError()
    {
        using var run = new SyntheticRun().WithSearchMetrics(80).WithPiHistory(8).WithGenotype();
        File.WriteAllText(run.PathOf("options.json"), "{\"iterations\":80}");
        RunViews.RefreshSearch(run.Directory, totalIterations: 80, finished: true);

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
        });
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add(e.Message.Text); };
        page.PageError += (_, e) => errors.Add(e.Message);
        await page.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 900 });

        var response = await page.GoToAsync(new Uri(run.PathOf(RunPage.FileName)).AbsoluteUri, WaitUntilNavigation.Load);
        Assert.That(response.Ok, Is.True);

        var widths = await page.EvaluateExpressionAsync<int[]>("Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)");
        Assert.That(widths, Has.Length.GreaterThanOrEqualTo(4));
        Assert.That(widths, Has.All.GreaterThan(100), "every image decoded");
        Assert.That(await page.EvaluateExpressionAsync<string>("document.querySelector('h1').textContent"), Does.StartWith("Search "));
        int overflow = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "nothing sticks out sideways at 1200 pixels");

        // The screenshot is not blank: a rendered page has many distinct colours.
        var png = await page.ScreenshotDataAsync(new ScreenshotOptions { FullPage = false });
        Assert.That(png.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(png.Length, Is.GreaterThan(20_000), "a blank 1200x900 screenshot compresses to a few kilobytes");

        // A link to a run file opens it (JSON, which the browser shows rather than downloads).
        await page.ClickAsync("a[href='options.json']");
        await page.WaitForFunctionAsync("() => location.href.endsWith('options.json') && document.body.innerText.startsWith('{\"iterations\":80}')",
            new WaitForFunctionOptions { Timeout = 15_000 });
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
    }
}
