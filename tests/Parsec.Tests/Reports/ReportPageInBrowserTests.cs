using NUnit.Framework;
using Parsec.Autodiff.Cpu;
using Parsec.Search.Reports;
using Parsec.Search.Study;
using Parsec.Tests.Data;
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

    /// <summary>
    /// A real (tiny) study leaves three kinds of page: its own, each search's and each training's. Each loads cleanly,
    /// and the study page's links open the search's and a training's page.
    /// </summary>
    [Test]
    public async Task AStudysSearchAndTrainingPagesRenderAndAreLinked()
    {
        using var temp = new TempFolder();
        string folder = temp["study"];
        using (var backend = new CpuBackend())
            StudyRunner.Start(Parsec.Tests.Study.StudyTests.Tiny(), folder, backend);

        await using var browser = await Launch();
        await using var page = await browser.NewPageAsync();
        var errors = Watch(page);
        await page.SetViewportAsync(new ViewPortOptions { Width = 1200, Height = 900 });

        await Load(page, Path.Combine(folder, RunPage.FileName), "Study ");
        var links = await page.EvaluateExpressionAsync<string[]>("Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href')).filter(h => h.endsWith('report.html'))");
        string search = links.Single(l => !l.StartsWith("train/"));
        string training = links.First(l => l.StartsWith("train/"));
        Assert.That(links.Count(l => l.StartsWith("train/")), Is.EqualTo(8), "4 genotypes x 2 seeds");

        // Wait for the navigation the click starts, not for a script in a page that the navigation is tearing down.
        await Task.WhenAll(page.WaitForNavigationAsync(new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] }), page.ClickAsync($"a[href='{search}']"));
        Assert.That(await page.EvaluateExpressionAsync<string>("document.querySelector('h1').textContent"), Does.StartWith("Search "));
        await AssertRendered(page);
        await Load(page, Path.Combine(folder, training), "Training ");
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
    }

    private static async Task<IBrowser> Launch() => await Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = ChromiumPath(),
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
    });

    private static List<string> Watch(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, e) => { if (e.Message.Type == ConsoleType.Error) errors.Add(e.Message.Text); };
        page.PageError += (_, e) => errors.Add(e.Message);
        return errors;
    }

    /// <summary>Opens the page and checks it renders, under a heading starting with <paramref name="title"/>.</summary>
    private static async Task Load(IPage page, string path, string title)
    {
        var response = await page.GoToAsync(new Uri(path).AbsoluteUri, WaitUntilNavigation.Load);
        Assert.That(response.Ok, Is.True, path);
        Assert.That(await page.EvaluateExpressionAsync<string>("document.querySelector('h1').textContent"), Does.StartWith(title));
        await AssertRendered(page);
    }

    /// <summary>Every image decoded to a real picture, nothing sticks out sideways, and the screenshot is not blank.</summary>
    private static async Task AssertRendered(IPage page)
    {
        var widths = await page.EvaluateExpressionAsync<int[]>("Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0)");
        Assert.That(widths, Is.Not.Empty);
        Assert.That(widths, Has.All.GreaterThan(100), "every image decoded");
        int overflow = await page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        var wide = await page.EvaluateExpressionAsync<string[]>(
            "Array.from(document.body.querySelectorAll('*')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)" +
            ".map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 80))");
        Assert.That(overflow, Is.LessThanOrEqualTo(0), "nothing sticks out sideways at 1200 pixels; wider: " + string.Join(" | ", wide.Take(3)));
        var png = await page.ScreenshotDataAsync(new ScreenshotOptions { FullPage = false });
        Assert.That(png.Length, Is.GreaterThan(20_000), "a blank 1200x900 screenshot compresses to a few kilobytes");
    }

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
        await Task.WhenAll(page.WaitForNavigationAsync(new NavigationOptions { WaitUntil = [WaitUntilNavigation.Load] }), page.ClickAsync("a[href='options.json']"));
        Assert.That(page.Url, Does.EndWith("options.json"));
        Assert.That(await page.EvaluateExpressionAsync<string>("document.body.innerText"), Does.StartWith("{\"iterations\":80}"));
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
    }
}
