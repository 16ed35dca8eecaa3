using System.Globalization;
using System.Text.Json;
using Markdig;
using Parsec.Search.Reports;
using Parsec.Search.Reports.Html;

namespace Parsec.Search.Study;

/// <summary>
/// report.html of a study folder: once the study is finished, its results (the table, the verdict and the rank
/// correlations of results.md, with the plots); at every stage, its searches and trainings with their state and a link
/// to each one's own report.html, and the study's options. The study rewrites it after each search and each training.
/// results.md is rendered with Markdig, so that the page and the Markdown file cannot say different things.
/// </summary>
internal static class StudyPage
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UsePipeTables().Build();

    public static void Write(StudyFolder study)
    {
        var page = new HtmlPage($"Study {Path.GetFileName(study.Path)}");
        var options = File.Exists(study.Options) ? StudyJson.Load(study.Options) : null;
        var genotypes = File.Exists(study.Genotypes) ? StudyGenotype.Load(study.Genotypes) : null;
        int seeds = options?.Seeds ?? 0;
        int trained = genotypes?.Sum(g => Enumerable.Range(0, seeds).Count(s => Finished(study, g.Name, s))) ?? 0;
        bool finished = File.Exists(study.ResultsTable);
        page.Paragraph(finished
            ? $"Finished: {genotypes?.Count ?? 0} genotypes, {trained} trainings."
            : genotypes is null
                ? "In progress or stopped: searching."
                : $"In progress or stopped: {trained} of {genotypes.Count * seeds} trainings finished. Reload this page to update it.");
        page.Paragraph($"Page written {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC.", "note");

        if (finished)
        {
            page.Heading("Results");
            // Wide tables of figures scroll inside their box rather than wrapping "81.87 %" over two lines.
            page.Fragment("<div class=\"wide figures\">\n" + Markdig.Markdown.ToHtml(File.ReadAllText(study.ResultsTable), Markdown) + "</div>");
            foreach (var (path, alt) in new[] { (study.ResultsPlot, "test accuracy of every genotype and seed"), (study.RankingPlot, "each search's estimate against trained accuracy"), (study.ParetoPlot, "accuracy against cost") })
                if (File.Exists(path)) page.Image(path, alt);
        }

        page.Heading("Searches");
        var searches = SearchFolders(study).ToList();
        if (searches.Count == 0) page.Paragraph("none run in this folder", "note");
        else page.Table(["search", "state", "genotype"], searches.Select(folder => (IReadOnlyList<HtmlCell>)
        [
            Linked(Path.GetFileName(folder), Path.Combine(folder, RunPage.FileName), study),
            File.Exists(Path.Combine(folder, "genotype.json")) ? "finished" : "running or stopped",
            File.Exists(Path.Combine(folder, "genotype.json")) ? Space.Genotype.Load(Path.Combine(folder, "genotype.json")).ToString() : "",
        ]));

        page.Heading("Trainings");
        if (genotypes is null) page.Paragraph("the genotypes are chosen when the searches end", "note");
        else page.Table(["genotype", "kind", .. Enumerable.Range(0, seeds).Select(s => $"seed {s}")], genotypes.Select(g => (IReadOnlyList<HtmlCell>)
        [
            g.Name, StudyGenotype.KindName(g.Kind),
            .. Enumerable.Range(0, seeds).Select(s => TrainingCell(study, g.Name, s)),
        ]));

        page.Heading("Options");
        if (File.Exists(study.Options)) page.Table(["option", "value"], JsonTable.Rows(File.ReadAllText(study.Options)));
        page.Write(study.File(RunPage.FileName));
    }

    /// <summary>The study's own search folders (those that hold options.json), in name order.</summary>
    private static IEnumerable<string> SearchFolders(StudyFolder study) =>
        Directory.EnumerateDirectories(study.Path).Where(d => File.Exists(Path.Combine(d, "options.json"))).Order(StringComparer.Ordinal);

    private static bool Finished(StudyFolder study, string genotype, int seed) =>
        File.Exists(Path.Combine(study.Training(genotype, seed), "result.json"));

    private static HtmlCell TrainingCell(StudyFolder study, string genotype, int seed)
    {
        string folder = study.Training(genotype, seed);
        string result = Path.Combine(folder, "result.json");
        if (File.Exists(result))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(result));
            return Linked($"{100 * json.RootElement.GetProperty(MetricsFile.TestAcc).GetDouble():0.00} %", Path.Combine(folder, RunPage.FileName), study);
        }
        return Directory.Exists(folder) ? Linked("running or stopped", Path.Combine(folder, RunPage.FileName), study) : "pending";
    }

    /// <summary>A link to another page, relative to the study folder (so the folder can be moved whole); plain text when that page is not written.</summary>
    private static HtmlCell Linked(string text, string target, StudyFolder study) =>
        File.Exists(target) ? new HtmlCell(text, Path.GetRelativePath(study.Path, target).Replace('\\', '/')) : text;
}
