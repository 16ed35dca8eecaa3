using Parsec.Search;
using NUnit.Framework;
using Parsec.Search.Cli;
using Spectre.Console;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Tests.Search;

/// <summary>--precision: what `parsec info` says is in force, and how a saved precision is read back.</summary>
[NonParallelizable] // swaps the process-wide console
public class PrecisionCommandLineTests
{
    [TestCase("tf32", "precision fp32 (the CPU has no tf32)")]
    [TestCase("fp32", "precision fp32")]
    public void InfoSaysWhichPrecisionIsInForce(string asked, string expected)
    {
        var writer = new StringWriter();
        var previous = AnsiConsole.Console;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        AnsiConsole.Console.Profile.Width = 400;
        try
        {
            Assert.That(CliApp.Run(["info", "--backend", "cpu", "--precision", asked]), Is.EqualTo(CliApp.Success));
        }
        finally
        {
            AnsiConsole.Console = previous;
        }
        string line = writer.ToString().Split('\n').Single(l => l.StartsWith("backend:"));
        Assert.That(line.TrimEnd(), Does.EndWith(expected));
    }

    [Test]
    public void ASavedPrecisionIsReadBackAndAnUnknownOneNamesTheFile()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("parsec-precision-").FullName, "options.json");
        OptionsFile.Write(path, new Parsec.Search.Loop.SearchOptions(), "cuda:0", Parsec.Autodiff.Precision.Tf32);
        Assert.That(OptionsFile.ReadPrecision(path), Is.EqualTo(Parsec.Autodiff.Precision.Tf32));
        Assert.That(OptionsFile.Read(path), Is.EqualTo(new Parsec.Search.Loop.SearchOptions()), "the precision key is not an option");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"tf32\"", "\"fp16\""));
        var error = Assert.Throws<BadInputException>(() => OptionsFile.ReadPrecision(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("fp16").And.Contain("fp32, tf32"));
        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }
}
