using System.ComponentModel;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli.Replay;

/// <summary>
/// The settings of a command that takes --config: its options can come from a file (<see cref="ConfigArguments"/>
/// turns the file into flags before the command line is parsed). The property is here so that the parser knows the
/// flag and --help lists it; nothing reads it afterwards.
/// </summary>
internal abstract class ConfigurableSettings : Console.DatasetSettings
{
    public const string Flag = "--config";

    [CommandOption(Flag + " <FILE>")]
    [Description("Defaults from FILE: a JSON object of options named as a run records them (a search's options.json; an unknown key is refused with the nearest name), the dataset flags in a \"dataset\" object. Flags given here win.")]
    public string? Config { get; init; }
}
