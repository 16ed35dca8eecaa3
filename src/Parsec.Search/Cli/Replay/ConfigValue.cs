using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parsec.Autodiff;
using Parsec.Search.Cli.Console;

namespace Parsec.Search.Cli.Replay;

/// <summary>
/// A config value as the command-line arguments that give it. The value's JSON kind must be the option's (a number for
/// a number, a string for a name, true or false for a switch) and its text must convert as the parser will convert it,
/// so that a wrong value is refused naming the file and key; the option's range and the command's own checks apply
/// afterwards, to the arguments, exactly as to typed ones.
/// </summary>
internal static class ConfigValue
{
    public static IReadOnlyList<string> Arguments(string file, ConfigKey key, JsonNode? value)
    {
        var first = key.Targets[0];
        if (first.IsSwitch)
        {
            // A switch is given or not: null (the record's "not set", such as horizontal_flip's dataset default) gives none.
            if (value is null) return [];
            if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False)) throw WrongType(file, key, value);
            bool on = value.GetValue<bool>();
            return key.Targets.Where(t => t.OnValue == on).Select(t => t.Flag).ToList();
        }
        var type = first.Property.PropertyType;
        if (value is null)
            return IsNullable(first.Property) ? [] : throw WrongType(file, key, value);
        if (type == typeof(string[]))
        {
            if (value is not JsonArray items || items.Any(i => i?.GetValueKind() != JsonValueKind.String)) throw WrongType(file, key, value);
            return items.Select(i => $"{first.Flag}={i!.GetValue<string>()}").ToList();
        }
        return [$"{first.Flag}={Text(file, key, type, value)}"];
    }

    /// <summary>The value as the option's text on a command line.</summary>
    private static string Text(string file, ConfigKey key, Type type, JsonNode value)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        var kind = value.GetValueKind();
        string text;
        if (underlying == typeof(string))
            return kind == JsonValueKind.String ? value.GetValue<string>() : throw WrongType(file, key, value);
        if (underlying.IsEnum)
        {
            if (kind != JsonValueKind.String) throw WrongType(file, key, value);
            // options.json writes enums in snake_case ("distinct_per_node"), the flags take them without the underscores;
            // it records the device a run used ("cuda:0") where --backend takes its kind.
            text = value.GetValue<string>().Replace("_", "");
            if (underlying == typeof(BackendChoice)) text = text.Split(':')[0];
        }
        else
        {
            if (kind != JsonValueKind.Number) throw WrongType(file, key, value);
            text = value.ToJsonString();
        }
        if (!Converts(underlying, text)) throw WrongType(file, key, value);
        return text;
    }

    /// <summary>Whether the parser's converter for <paramref name="type"/> reads <paramref name="text"/> (8.5 is no whole number).</summary>
    private static bool Converts(Type type, string text)
    {
        try { return TypeDescriptor.GetConverter(type).ConvertFromString(null, CultureInfo.InvariantCulture, text) is not null; }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException) { return false; }
    }

    private static bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null
        || (!property.PropertyType.IsValueType && new NullabilityInfoContext().Create(property).WriteState == NullabilityState.Nullable);

    private static BadInputException WrongType(string file, ConfigKey key, JsonNode? value) =>
        new($"{file}: '{key.Name}' must be {ConversionMessage.Expected(key.Targets[0].Property.PropertyType)} (it sets {key.Flags}), got {value?.ToJsonString() ?? "null"}");
}
