using Spectre.Console;

namespace Parsec.Tests.Tooling;

/// <summary>Sends what the command line prints to a string, plain and wide, until disposed. Fixtures using it must be NonParallelizable.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly IAnsiConsole _previous = AnsiConsole.Console;
    private readonly StringWriter _writer = new();

    public ConsoleCapture()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(_writer), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 400;
        AnsiConsole.Console = console;
    }

    public string Text => _writer.ToString();

    public void Dispose() => AnsiConsole.Console = _previous;
}
