using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Parsec.Search.Cli.Console;

namespace Parsec.Search.Cli.Replay;

/// <summary>
/// --config FILE: the file's values become arguments (--flag=value) appended to the command line before it is parsed,
/// for every key whose option the command line does not give. Expanding before the parser, rather than filling the
/// settings afterwards, keeps one path for every value: the parser's conversion, each flag's range, the command's own
/// validation and its view of what was given (a search's --resume, train's --flip) treat a value from the file exactly
/// as a typed one, and options.json records the result as it records any run.
/// </summary>
internal sealed partial class ConfigArguments
{
    private readonly Dictionary<string, string> _keyOfFlag;

    private ConfigArguments(IReadOnlyList<string> arguments, string? file, Dictionary<string, string> keyOfFlag)
    {
        Arguments = arguments;
        File = file;
        _keyOfFlag = keyOfFlag;
    }

    /// <summary>The command line the parser receives.</summary>
    public IReadOnlyList<string> Arguments { get; }

    /// <summary>The config file, or null when none was given.</summary>
    public string? File { get; }

    /// <summary>
    /// <paramref name="args"/> with the config's values added; unchanged without --config (or for a command that takes
    /// none, whose parser then refuses the flag). Throws a <see cref="FormatException"/> or <see cref="FileNotFoundException"/>
    /// naming the file and the key for a file that cannot be used.
    /// </summary>
    /// <param name="settingsOf">The settings type of a command, by its name (null for none): the command line's registry.</param>
    public static ConfigArguments Expand(IReadOnlyList<string> args, Func<string, Type?> settingsOf)
    {
        var unchanged = new ConfigArguments(args, null, []);
        var settings = args.Count > 0 ? settingsOf(args[0]) : null;
        if (settings is null || !typeof(ConfigurableSettings).IsAssignableFrom(settings)) return unchanged;
        var given = GivenFlags.Names(args.Skip(1));
        // A --config left without its file is the parser's to report, as for any flag.
        if (FileOf(args) is not { } file) return unchanged;
        if (given.Contains("--resume"))
            throw new BadInputException($"{ConfigurableSettings.Flag} and --resume exclude each other: a resumed run continues with the options it saved");

        var keys = ConfigKeys.Of(settings);
        var byName = keys.ToDictionary(k => k.Name, StringComparer.Ordinal);
        var added = new List<string>();
        var keyOfFlag = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Entries(file, ConfigFile.Read(file), keys))
        {
            if (byName.TryGetValue(name, out var key))
            {
                var arguments = ConfigValue.Arguments(file, key, value);
                if (key.Targets.SelectMany(t => t.Names).Any(given.Contains)) continue; // the command line wins
                added.AddRange(arguments);
                foreach (var target in key.Targets) keyOfFlag[target.Flag] = name;
            }
            else if (!RecordedKeys.Accept(file, name, value))
            {
                throw Unknown(file, name, args[0], keys);
            }
        }
        return new ConfigArguments([.. args, .. added], file, keyOfFlag);
    }

    /// <summary>
    /// <paramref name="message"/>, an error about the command line, with where the value it names came from when it came
    /// from the config: "--channels must be even ..." is otherwise about a flag the user never typed.
    /// </summary>
    public string Attribute(string message)
    {
        if (File is null) return message;
        foreach (Match flag in FlagInText().Matches(message))
            if (_keyOfFlag.TryGetValue(flag.Value, out string? key))
                return $"{message} ({flag.Value} is '{key}' in {File})";
        return message;
    }

    /// <summary>The file after --config, or null when there is none.</summary>
    private static string? FileOf(IReadOnlyList<string> args)
    {
        string? file = null;
        for (int i = 1; i < args.Count; i++)
        {
            string? found = args[i] == ConfigurableSettings.Flag ? (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[i + 1] : null)
                : args[i].StartsWith(ConfigurableSettings.Flag + "=", StringComparison.Ordinal) || args[i].StartsWith(ConfigurableSettings.Flag + ":", StringComparison.Ordinal)
                    ? args[i][(ConfigurableSettings.Flag.Length + 1)..]
                    : null;
            if (found is null) continue;
            if (file is not null) throw new BadInputException($"{ConfigurableSettings.Flag} is given twice; give one file");
            file = found;
        }
        return file;
    }

    /// <summary>Every key of the file, those of an object the keys name (the "dataset" a run records) as "object.key".</summary>
    private static IEnumerable<(string Name, JsonNode? Value)> Entries(string file, JsonObject config, IReadOnlyList<ConfigKey> keys)
    {
        var objects = keys.Where(k => k.Name.Contains('.')).Select(k => k.Name[..k.Name.IndexOf('.')]).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in config)
        {
            if (!objects.Contains(name))
            {
                yield return (name, value);
                continue;
            }
            if (value is not JsonObject inner)
            {
                var inside = keys.Where(k => k.Name.StartsWith(name + ".", StringComparison.Ordinal)).Select(k => k.Name[(name.Length + 1)..]);
                throw new BadInputException($"{file}: '{name}' must be an object of {string.Join(", ", inside)} (as options.json writes it), got {value?.ToJsonString() ?? "null"}");
            }
            foreach (var (innerName, innerValue) in inner) yield return ($"{name}.{innerName}", innerValue);
        }
    }

    private static BadInputException Unknown(string file, string name, string command, IReadOnlyList<ConfigKey> keys)
    {
        string hint = NearestKey.For(name, keys) is { } near
            ? $"did you mean '{near.Name}' ({near.Flags})?"
            : $"`parsec {command} {ConfigurableSettings.Flag}` takes {string.Join(", ", keys.Select(k => k.Name))}";
        return new BadInputException($"{file}: unknown key '{name}'; {hint}");
    }

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z0-9-]*")]
    private static partial Regex FlagInText();
}
