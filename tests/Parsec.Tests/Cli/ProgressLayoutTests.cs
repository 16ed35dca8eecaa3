using NUnit.Framework;
using Parsec.Search.Cli.Console;
using Parsec.Search.Loop;
using Spectre.Console;

namespace Parsec.Tests.Cli;

/// <summary>The search's progress line on an 80-column terminal: every figure on one readable line.</summary>
public class ProgressLayoutTests
{
    private static IterationMetrics Metrics() => new()
    {
        Iteration = 180, Epoch = 2, Warmup = false, LearningRate = 0.02, TrainLoss = 1.234, TrainAccuracy = 0.61, ValLoss = 1.3, ValAccuracy = 0.482,
        WeightEntropy = 1.3, ValWeightEntropy = 2.7, ValEffectiveSamples = 15.9, ValOmega = null, PiEntropy = 43.28, GradientNorm = 1,
        SamplesPerSecond = 100, StepMilliseconds = 1000, MemoryMib = 100,
    };

    private static string Render(int width, IEnumerable<Spectre.Console.ProgressColumn> columns, string description)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
        });
        console.Profile.Width = width;
        console.Progress().AutoClear(false).Columns(columns.ToArray()).Start(context =>
        {
            var task = context.AddTask(Markup.Escape(description), maxValue: 300);
            task.Value = 180;
            context.Refresh();
        });
        return writer.ToString();
    }

    [Test]
    public void At80ColumnsThePercentAndTheTimeLeftStayReadable()
    {
        string description = "search · " + SearchProgressDisplay.Summary(Metrics(), SearchProgressDisplay.Compact(80));
        Assert.That(description.Length, Is.LessThan(40), "a short description on a narrow terminal");
        string text = System.Text.RegularExpressions.Regex.Replace(Render(80, SearchProgressDisplay.ColumnsFor(80), description), @"\x1b\[[0-9;?]*[A-Za-z]", "");
        var line = text.Split('\n').Last(l => l.Contains("search"));
        Assert.That(line, Does.Contain("60%").And.Contain("val 48.2%"), line);
        Assert.That(SearchProgressDisplay.ColumnsFor(160), Has.Length.GreaterThan(SearchProgressDisplay.ColumnsFor(80).Length), "a wide terminal shows every column");
    }
}

/// <summary>`--help` at 80 columns: every command's descriptions get a column wide enough to read.</summary>
[NonParallelizable] // swaps the process-wide console
internal class HelpLayoutTests
{
    [TestCaseSource(typeof(Parsec.Search.Cli.CommandRegistry), nameof(Parsec.Search.Cli.CommandRegistry.All))]
    public void DescriptionsGetAtLeast24ColumnsOn80ColumnTerminals(Parsec.Search.Cli.CommandEntry command)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        Assert.That(Parsec.Search.Cli.CliApp.Run([command.Name, "--help"], console), Is.EqualTo(0));
        var help = writer.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        string line = help.First(l => l.Contains("Prints help"));
        int column = line.IndexOf("Prints help", StringComparison.Ordinal);
        Assert.That(80 - column, Is.GreaterThanOrEqualTo(24), $"{command.Name}: descriptions start at column {column}:\n{string.Join("\n", help)}");
    }
}
