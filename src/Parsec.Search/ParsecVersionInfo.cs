using System.Reflection;

namespace Parsec.Search;

/// <summary>The version of this Parsec build: `parsec --version`, `parsec info` and the metadata of exported models.</summary>
internal static class ParsecVersionInfo
{
    /// <summary>The assembly's informational version without the source-revision suffix the SDK appends after '+'.</summary>
    public static string Current { get; } =
        (typeof(ParsecVersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown")
        .Split('+')[0];
}
