namespace Parsec.Search.Flags;

/// <summary>
/// Declares an options-record property as a command-line option: its flag template (as Spectre.Console.Cli
/// writes it, e.g. "--channels &lt;C&gt;") and the description --help prints. The property's initializer is its
/// default, and must be a constant. Parsec.Options.Generator writes the settings property of every command
/// whose settings carry <see cref="FlagsOfAttribute"/> for the record, so the option is declared here only.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FlagAttribute(string template, string? description = null) : Attribute
{
    public string Template { get; } = template;
    public string? Description { get; } = description;
}
