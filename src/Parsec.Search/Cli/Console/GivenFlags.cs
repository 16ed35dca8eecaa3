using Spectre.Console.Cli;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// The flags a user actually typed. Settings carry defaults, so a setting's value cannot tell "--lr 0.025" from
/// no --lr at all; a resumed run must know the difference (it keeps its saved options unless one is given).
/// </summary>
internal static class GivenFlags
{
    public static bool Contains(CommandContext context, string flag) => Names(context).Contains(flag);

    /// <summary>The flag names in the command line, in order ("--lr" for "--lr 0.1", "--lr=0.1" and "--lr:0.1").</summary>
    public static IReadOnlyList<string> Names(CommandContext context) => Names(context.Arguments);

    /// <summary>The flag names in <paramref name="arguments"/>, as <see cref="Names(CommandContext)"/> reads them, before any parser has seen them.</summary>
    public static IReadOnlyList<string> Names(IEnumerable<string> arguments) => arguments
        .Where(IsFlag)
        .Select(a => a.Split('=', ':')[0])
        .Distinct(StringComparer.Ordinal)
        .ToList();

    /// <summary>Says which typed flags a resumed run does not use (it continues with the options it saved).</summary>
    public static void ReportIgnored(CommandContext context, IReadOnlyCollection<string> honoured)
    {
        var ignored = Names(context).Where(f => !honoured.Contains(f)).ToList();
        if (ignored.Count > 0)
            Spectre.Console.AnsiConsole.MarkupLineInterpolated(
                $"[yellow]ignored with --resume (the run continues with the options it saved): {string.Join(", ", ignored)}[/]");
    }

    /// <summary>"--name" or "-k", but not a negative number given as a value.</summary>
    private static bool IsFlag(string argument) =>
        argument.Length > 1 && argument[0] == '-' && !char.IsDigit(argument[1]) && argument[1] != '.';
}
