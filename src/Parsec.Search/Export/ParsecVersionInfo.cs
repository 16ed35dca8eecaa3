using System.Reflection;

namespace Parsec.Search.Export;

/// <summary>The version of this Parsec build, as written into exported models.</summary>
public static class ParsecVersionInfo
{
    /// <summary>The assembly's informational version without the source-revision suffix the SDK appends after '+'.</summary>
    public static string Current { get; } =
        (typeof(ParsecVersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown")
        .Split('+')[0];
}
