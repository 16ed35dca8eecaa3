using System.Globalization;
using System.Reflection;
using NUnit.Framework;
using Parsec.Search.Cli;
using Parsec.Search.Flags;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Parsec.Tests.Search;

/// <summary>
/// What `parsec COMMAND --help` shows as each option's default is what the command really starts from: the
/// options record's default for options declared on a record ([Flag], generated into the settings), the
/// settings' own initial value otherwise. Rendered through the real command line, for every command.
/// </summary>
[NonParallelizable] // the command line shares Spectre's process-wide state
public class HelpDefaultsTests
{
    public static IEnumerable<string> Commands => CommandRegistry.All.Select(c => c.Name);

    [TestCaseSource(nameof(Commands))]
    public void HelpShowsTheDefaultsTheCommandStartsFrom(string command)
    {
        var settingsType = CommandRegistry.All.Single(c => c.Name == command).Settings;
        var shown = HelpTable.Defaults(RenderHelp(command));
        var expected = ExpectedDefaults(settingsType);
        Assert.Multiple(() =>
        {
            Assert.That(shown.Keys, Is.EquivalentTo(expected.Keys), $"{command}: the options --help lists are the settings' options");
            foreach (var (flag, value) in expected)
                if (shown.TryGetValue(flag, out var text))
                    Assert.That(text, Is.EqualTo(value), $"{command} {flag}: --help's default");
        });
    }

    [TestCaseSource(nameof(Commands))]
    public void EveryDeclaredDefaultHasItsOptionsType(string command)
    {
        // Spectre converts [DefaultValue] to the option's type when the flag is absent: an int given for a double fails only then.
        foreach (var property in CommandRegistry.All.Single(c => c.Name == command).Settings.GetProperties())
            if (property.GetCustomAttribute<System.ComponentModel.DefaultValueAttribute>() is { Value: { } value })
                Assert.That(value.GetType(), Is.EqualTo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType), $"{command}: [DefaultValue] of {property.Name}");
    }

    [Test]
    public void RecordFlagsReachTheirCommands()
    {
        // Every options record with [Flag] properties is bound by at least one command, with every flag listed in its help.
        var bound = CommandRegistry.All.SelectMany(c => c.Settings.GetCustomAttributes<FlagsOfAttribute>().Select(a => (c.Name, a.Record))).ToList();
        Assert.That(bound.Select(b => b.Record.Name), Is.SupersetOf(new[] { "SearchOptions", "EvaluationOptions", "StudyOptions", "StudyBudget" }));
        foreach (var (command, record) in bound)
        {
            var shown = HelpTable.Defaults(RenderHelp(command));
            foreach (var property in record.GetProperties().Where(p => p.GetCustomAttribute<FlagAttribute>() is not null))
                Assert.That(shown.Keys, Does.Contain(LongName(property.GetCustomAttribute<FlagAttribute>()!.Template)), $"{command}: {record.Name}.{property.Name}");
        }
    }

    private static string RenderHelp(string command)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 1000; // one line per option: no wrapped descriptions
        Assert.That(CliApp.Run([command, "--help"], console), Is.EqualTo(0));
        return writer.ToString();
    }

    /// <summary>Long flag name to the default the command starts from, as --help should print it ("" for none).</summary>
    private static Dictionary<string, string> ExpectedDefaults(Type settingsType)
    {
        var settings = Activator.CreateInstance(settingsType)!;
        var records = settingsType.GetCustomAttributes<FlagsOfAttribute>().Select(a => a.Record).ToList();
        var expected = new Dictionary<string, string>();
        foreach (var property in settingsType.GetProperties())
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option) continue;
            object? value = property.GetValue(settings);
            var declaring = records.SelectMany(r => r.GetProperties()).FirstOrDefault(p => p.Name == property.Name && p.GetCustomAttribute<FlagAttribute>() is not null);
            if (declaring is not null) value = declaring.GetValue(Activator.CreateInstance(declaring.DeclaringType!));
            expected[LongName(option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0])] = Shown(value);
        }
        return expected;
    }

    /// <summary>Switches (bool) and lists show no default; everything else its invariant text.</summary>
    private static string Shown(object? value) => value switch
    {
        null or bool or System.Collections.IEnumerable and not string => "",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    private static string LongName(string template) =>
        template.Split(['|', ' ', ','], StringSplitOptions.RemoveEmptyEntries).Where(p => p.StartsWith('-')).OrderByDescending(p => p.StartsWith("--")).First();

    /// <summary>Reads the OPTIONS table of a help text rendered one line per option.</summary>
    private static class HelpTable
    {
        public static Dictionary<string, string> Defaults(string help)
        {
            var lines = help.Split('\n').SkipWhile(l => !l.StartsWith("OPTIONS:")).Skip(1).TakeWhile(l => l.Trim().Length > 0).ToList();
            int column = lines.Count > 0 ? lines[0].IndexOf("DEFAULT", StringComparison.Ordinal) : -1;
            var defaults = new Dictionary<string, string>();
            foreach (string line in lines.Skip(column >= 0 ? 1 : 0))
            {
                string flags = column >= 0 ? line[..Math.Min(column, line.Length)] : line;
                string name = LongName(flags.Trim().Split("  ")[0]);
                if (name is "--help" or "--version") continue;
                string shown = column >= 0 && line.Length > column ? line[column..].Split("  ")[0].Trim() : "";
                // A default too long for the DEFAULT column is stated in the description instead: "Default: `VALUE`."
                int stated = line.LastIndexOf("Default: `", StringComparison.Ordinal);
                if (shown.Length == 0 && stated >= 0) shown = line[(stated + "Default: `".Length)..].Split('`')[0];
                defaults[name] = shown;
            }
            return defaults;
        }
    }
}
