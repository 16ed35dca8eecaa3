namespace Parsec.Search.Flags;

/// <summary>
/// Marks a (partial) command settings class as binding the <see cref="FlagAttribute"/> properties of
/// <see cref="Record"/>: Parsec.Options.Generator adds one option property per flag and a method
/// <c>Record ApplyFlags(Record options)</c> that returns the options with every flag applied.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
internal sealed class FlagsOfAttribute(Type record) : Attribute
{
    public Type Record { get; } = record;
}
