using System.Text.RegularExpressions;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// The command-line parser reports a value it cannot convert as "Failed to convert 'inf' to Double.", without the
/// flag. The flag is found again in the arguments (the one just before the value, or "--flag=value"), so that the
/// message names it.
/// </summary>
internal static partial class ConversionMessage
{
    public static string NameTheFlag(string message, IReadOnlyList<string> args)
    {
        var match = ParserMessage().Match(message);
        if (!match.Success) return message;
        string value = match.Groups["value"].Value, type = match.Groups["type"].Value;
        string? flag = null;
        for (int i = 0; i < args.Count && flag is null; i++)
        {
            if (args[i] == value && i > 0 && args[i - 1].StartsWith('-')) flag = args[i - 1];
            else if (args[i].EndsWith("=" + value, StringComparison.Ordinal) || args[i].EndsWith(":" + value, StringComparison.Ordinal))
                flag = args[i][..^(value.Length + 1)];
        }
        string expected = type is "Double" or "Single" ? "a finite number such as 0.025 or 1e-3"
            : type is "Int32" or "Int64" or "UInt64" ? "a whole number"
            : $"a {type}";
        return flag is null ? $"'{value}' is not {expected}" : $"{flag}: '{value}' is not {expected}";
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>\w+)\.$")]
    private static partial Regex ParserMessage();
}
