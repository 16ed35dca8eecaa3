namespace Parsec.Search.Flags;

/// <summary>
/// Declares an options-record property as a command-line option: its flag template (as Spectre.Console.Cli
/// writes it, e.g. "--channels &lt;C&gt;") and the description --help prints. The property's initializer is its
/// default, and must be a constant. Parsec.Options.Generator writes the settings property of every command
/// whose settings carry <see cref="FlagsOfAttribute"/> for the record, so the option is declared here only.
/// </summary>
/// A numeric option may declare its range (<see cref="Min"/>, <see cref="Max"/>, both inclusive): <see cref="FlagRanges"/>
/// checks every declared range, and that every floating-point value is finite, before any work.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class FlagAttribute(string template, string? description = null) : Attribute
{
    public string Template { get; } = template;
    public string? Description { get; } = description;
    /// <summary>The smallest value accepted; NaN: no lower bound.</summary>
    public double Min { get; set; } = double.NaN;
    /// <summary>The largest value accepted; NaN: no upper bound.</summary>
    public double Max { get; set; } = double.NaN;

    /// <summary>"--channels" of "--channels &lt;C&gt;", "--samples" of "-k|--samples &lt;K&gt;".</summary>
    public string LongName => Template.Split([' ', '|'], StringSplitOptions.RemoveEmptyEntries).Where(p => p.StartsWith('-')).OrderByDescending(p => p.StartsWith("--")).First();
}
