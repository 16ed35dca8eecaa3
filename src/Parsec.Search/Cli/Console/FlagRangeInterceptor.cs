using Parsec.Search.Flags;
using Spectre.Console.Cli;

namespace Parsec.Search.Cli.Console;

/// <summary>
/// Checks every option's declared range (<see cref="FlagRanges"/>) once the command line is bound to a command's
/// settings, before the command runs: one contract for every numeric flag of every command. In a dry run
/// (<see cref="CliApp.Check"/>) it also runs the settings' own validation and stops there.
/// </summary>
internal sealed class FlagRangeInterceptor(bool dryRun) : ICommandInterceptor
{
    public void Intercept(CommandContext context, CommandSettings settings)
    {
        RequireValues(settings);
        FlagRanges.Check(settings);
        if (!dryRun) return;
        var validation = settings.Validate();
        if (!validation.Successful) throw new BadInputException(validation.Message ?? "invalid options");
        throw new DryRunComplete();
    }

    /// <summary>The parser gives a text option left without its value the text "__default_command" (it would become a folder name): refused, naming the flag.</summary>
    private static void RequireValues(CommandSettings settings)
    {
        foreach (var property in settings.GetType().GetProperties())
        {
            if (property.GetCustomAttributes(typeof(CommandOptionAttribute), true).FirstOrDefault() is not CommandOptionAttribute option) continue;
            bool missing = property.GetValue(settings) switch
            {
                string text => text == ConversionMessage.MissingValue,
                string[] texts => texts.Contains(ConversionMessage.MissingValue),
                _ => false,
            };
            if (missing) throw new BadInputException($"{(option.LongNames.Count > 0 ? "--" + option.LongNames[0] : "-" + option.ShortNames[0])} needs a value");
        }
    }
}

/// <summary>A dry run reached the point where the command would start: everything on its command line was accepted.</summary>
internal sealed class DryRunComplete() : Exception("the command line was accepted");
