namespace Parsec.Search.Flags;

/// <summary>
/// The range of a command's own numeric option (one declared with Spectre's CommandOption on the command's settings
/// rather than on an options record): both bounds inclusive, checked by <see cref="FlagRanges"/> with the option's flag.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class WithinAttribute(double min, double max) : Attribute
{
    public double Min { get; } = min;
    public double Max { get; } = max;
}
