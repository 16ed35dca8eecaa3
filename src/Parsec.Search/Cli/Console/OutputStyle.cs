using Spectre.Console;

namespace Parsec.Search.Cli.Console;

/// <summary>How progress is shown: live bars on a terminal, periodic plain lines in logs and CI.</summary>
internal enum OutputStyle
{
    Interactive,
    Plain,
}

internal static class OutputStyles
{
    /// <summary>Plain when output is redirected, CI=true is set, or the console cannot redraw lines.</summary>
    public static OutputStyle Detect() =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || System.Console.IsOutputRedirected
        || !AnsiConsole.Profile.Capabilities.Interactive
            ? OutputStyle.Plain
            : OutputStyle.Interactive;
}
