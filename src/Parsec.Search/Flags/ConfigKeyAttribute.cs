namespace Parsec.Search.Flags;

/// <summary>
/// The key a command's option has in a --config file, where it is not the snake_case of the option's property name
/// (the rule that makes options.json's own keys the config's keys). The dataset flags are read from the "dataset"
/// object a run records ("dataset.folder" for --data-dir); a switch that stands for a recorded true or false names
/// the key and the value that turns it on (--no-auxiliary: "auxiliary" false).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ConfigKeyAttribute(string key) : Attribute
{
    /// <summary>"channels", or "group.name" for a key inside an object.</summary>
    public string Key { get; } = key;
    /// <summary>For a switch: the key's value that gives it.</summary>
    public bool OnValue { get; set; } = true;
}
