using System.Globalization;
using System.Reflection;

namespace Parsec.Search.Flags;

/// <summary>
/// The one contract of every numeric option: a floating-point value is finite, and a value is within the range its
/// <see cref="FlagAttribute"/> declares. Options records call <see cref="Check"/> first in their validation, so a
/// value out of range is refused with the flag's name before anything is allocated, whatever command set it.
/// </summary>
internal static class FlagRanges
{
    /// <summary>
    /// Throws an <see cref="ArgumentException"/> naming the first option of <paramref name="record"/> whose value is out of
    /// its range: a [Flag] property of an options record, or a command's own option with [Within].
    /// </summary>
    public static void Check(object record)
    {
        foreach (var property in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (Declared(property) is not { } flag || property.GetValue(record) is not { } value) continue;
            double? number = value switch
            {
                double d => d,
                float f => f,
                int i => i,
                long l => l,
                ulong u => u,
                _ => null,
            };
            if (number is not double x) continue;
            if (!double.IsFinite(x)) throw new BadInputException($"{flag.LongName} must be a finite number, got {Text(x)}");
            bool low = !double.IsNaN(flag.Min) && x < flag.Min, high = !double.IsNaN(flag.Max) && x > flag.Max;
            if (!low && !high) continue;
            string range = (double.IsNaN(flag.Min), double.IsNaN(flag.Max)) switch
            {
                (false, false) => $"between {Text(flag.Min)} and {Text(flag.Max)}",
                (false, true) => $">= {Text(flag.Min)}",
                _ => $"<= {Text(flag.Max)}",
            };
            throw new BadInputException($"{flag.LongName} must be {range}, got {Text(x)}");
        }
    }

    /// <summary>The property's flag and range: from [Flag], or from Spectre's CommandOption with [Within]; null for other properties.</summary>
    private static FlagAttribute? Declared(PropertyInfo property)
    {
        if (property.GetCustomAttribute<FlagAttribute>() is { } flag) return flag;
        if (property.GetCustomAttribute<Spectre.Console.Cli.CommandOptionAttribute>() is not { } option) return null;
        var within = property.GetCustomAttribute<WithinAttribute>();
        string name = option.LongNames.Count > 0 ? $"--{option.LongNames[0]}" : $"-{option.ShortNames[0]}";
        return new FlagAttribute(name) { Min = within?.Min ?? double.NaN, Max = within?.Max ?? double.NaN };
    }

    private static string Text(double x) => x.ToString("G", CultureInfo.InvariantCulture);
}
