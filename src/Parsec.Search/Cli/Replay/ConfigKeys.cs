using System.Reflection;
using Parsec.Search.Flags;
using Spectre.Console.Cli;
using Parsec.Search.RunFiles;
using Parsec.Search.Loop;

namespace Parsec.Search.Cli.Replay;

/// <summary>One option a config key sets; a switch is given when the key holds <paramref name="OnValue"/>.</summary>
internal sealed record ConfigTarget(PropertyInfo Property, CommandOptionAttribute Option, bool OnValue)
{
    /// <summary>"--lr": the name the inserted argument uses.</summary>
    public string Flag => Option.LongNames.Count > 0 ? "--" + Option.LongNames[0] : "-" + Option.ShortNames[0];

    /// <summary>Every spelling of the option on a command line ("--samples" and "-k").</summary>
    public IEnumerable<string> Names => Option.LongNames.Select(n => "--" + n).Concat(Option.ShortNames.Select(n => "-" + n));

    public bool IsSwitch => Property.PropertyType == typeof(bool);
}

/// <summary>A key of a config file and the options it sets: one, or for a recorded true or false, the switches that say it.</summary>
internal sealed record ConfigKey(string Name, IReadOnlyList<ConfigTarget> Targets)
{
    /// <summary>"--lr", or "--flip / --no-flip".</summary>
    public string Flags => string.Join(" / ", Targets.Select(t => t.Flag));
}

/// <summary>
/// The keys a command's --config file may hold: one per option of its settings, named as a run records the option.
/// An option generated from an options record ([FlagsOf]) has the record property's name, and options.json writes
/// the record with <see cref="OptionsFile.KeyNaming"/>, so the key is that name in snake_case ("WeightLearningRate",
/// --lr: "weight_learning_rate"); the command's own options follow the same rule (--prior-from: "prior_from"), and
/// <see cref="ConfigKeyAttribute"/> names the rest. This is the only place config keys are mapped to flags.
/// </summary>
internal static class ConfigKeys
{
    /// <summary>Options a config cannot set: a config is not nested, and a resumed run keeps the options it saved.</summary>
    private static readonly string[] NotFromConfig = [ConfigurableSettings.Flag, "--resume"];

    public static IReadOnlyList<ConfigKey> Of(Type settings) =>
        settings.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Option: p.GetCustomAttribute<CommandOptionAttribute>(), Key: p.GetCustomAttribute<ConfigKeyAttribute>()))
            .Where(x => x.Option is not null)
            .Select(x => (Name: x.Key?.Key ?? OptionsFile.KeyNaming.ConvertName(x.Property.Name), Target: new ConfigTarget(x.Property, x.Option!, x.Key?.OnValue ?? true)))
            .Where(x => !x.Target.Names.Any(NotFromConfig.Contains))
            .GroupBy(x => x.Name, x => x.Target)
            .Select(g => new ConfigKey(g.Key, g.ToList()))
            .OrderBy(k => k.Name, StringComparer.Ordinal)
            .ToList();
}
