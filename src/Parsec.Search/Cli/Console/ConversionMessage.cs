using System.Reflection;
using System.Text.RegularExpressions;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// The command-line parser reports a value it cannot convert as "Failed to convert 'inf' to Nullable`1.", naming
/// neither the flag nor what it expects, and a flag given without its value as a value named "__default_command".
/// The flag is found again in the arguments (the one just before the value, "--flag=value", or the flag left
/// without a value), and what it expects is read from the type of the option in the command's settings.
/// </summary>
internal static partial class ConversionMessage
{
    /// <summary>What the parser substitutes for a value that is not there (a string option receives it as its value).</summary>
    public const string MissingValue = "__default_command";

    /// <param name="settingsOf">The settings type of a command, by its name (null for none): the command line's registry, passed in so that this folder does not reach up to it.</param>
    public static string NameTheFlag(string message, IReadOnlyList<string> args, Func<string, Type?> settingsOf)
    {
        var match = ParserMessage().Match(message);
        if (!match.Success) return message;
        string value = match.Groups["value"].Value, type = match.Groups["type"].Value;
        if (value == MissingValue)
        {
            string? bare = FlagWithoutValue(args, settingsOf);
            return bare is null ? "a flag is missing its value" : $"{bare} needs a value ({Expected(bare, args, type, settingsOf)})";
        }
        string? flag = null;
        for (int i = 0; i < args.Count && flag is null; i++)
        {
            if (args[i] == value && i > 0 && args[i - 1].StartsWith('-')) flag = args[i - 1];
            else if (args[i].EndsWith("=" + value, StringComparison.Ordinal) || args[i].EndsWith(":" + value, StringComparison.Ordinal))
                flag = args[i][..^(value.Length + 1)];
        }
        return flag is null ? $"'{value}' is not {Expected(null, args, type, settingsOf)}" : $"{flag}: '{value}' is not {Expected(flag, args, type, settingsOf)}";
    }

    /// <summary>The first value-taking flag followed by nothing or by another flag.</summary>
    private static string? FlagWithoutValue(IReadOnlyList<string> args, Func<string, Type?> settingsOf)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith('-') || args[i].Contains('=') || OptionOf(args, args[i], settingsOf) is not { } option || option.PropertyType == typeof(bool)) continue;
            if (i == args.Count - 1 || args[i + 1].StartsWith("--", StringComparison.Ordinal)) return args[i];
        }
        return null;
    }

    /// <summary>What the flag's option takes, from its property's type; the parser's type name when the option is not found.</summary>
    private static string Expected(string? flag, IReadOnlyList<string> args, string parserType, Func<string, Type?> settingsOf)
    {
        var type = flag is null ? null : OptionOf(args, flag, settingsOf)?.PropertyType;
        if (type is not null) return Expected(type);
        return parserType is "Double" or "Single" ? "a finite number such as 0.025 or 1e-3" : parserType is "Int32" or "Int64" ? "a whole number" : $"a {parserType}";
    }

    /// <summary>What an option of <paramref name="type"/> takes, in words: "a whole number", "one of cpu, cuda, auto".</summary>
    public static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(double) || type == typeof(float)) return "a finite number such as 0.025 or 1e-3";
        if (type == typeof(ulong)) return "a whole number from 0 to 18446744073709551615";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()));
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "a string";
        if (type == typeof(string[])) return "a list of strings";
        return $"a {type.Name}";
    }

    /// <summary>The settings property behind <paramref name="flag"/> in the command <paramref name="args"/> name (the demo when none).</summary>
    private static PropertyInfo? OptionOf(IReadOnlyList<string> args, string flag, Func<string, Type?> settingsOf)
    {
        string command = args.Count > 0 && !args[0].StartsWith('-') ? args[0] : "demo";
        var settings = settingsOf(command);
        string name = flag.TrimStart('-');
        bool isLong = flag.StartsWith("--", StringComparison.Ordinal);
        return settings?.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p =>
            p.GetCustomAttribute<CommandOptionAttribute>() is { } option && (isLong ? option.LongNames.Contains(name) : option.ShortNames.Contains(name)));
    }

    [GeneratedRegex(@"^Failed to convert '(?<value>.*)' to (?<type>[\w`]+)\.")]
    private static partial Regex ParserMessage();
}
